// dns::lookup_all: answers at hand are taken as they are, the rest asked concurrently, and the
// answers come back in the order of the questions.
#include <gtest/gtest.h>

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "senderauth/dns/run_sync.hpp"
#include "senderauth/dns/shared_answer.hpp"
#include "senderauth/dns/zone_resolver.hpp"

namespace senderauth::dns {
namespace {

using namespace std::chrono_literals;

// Has the names in `at_hand` at hand; the others take a few milliseconds each.
class HalfAtHand final : public Resolver {
 public:
  HalfAtHand(ZoneResolver& zone, std::set<std::string> at_hand)
      : zone_(zone), at_hand_(std::move(at_hand)) {}
  asio::awaitable<Answer> query(std::string name, RecordType type) override {
    ++in_flight_;
    max_in_flight_ = std::max(max_in_flight_, in_flight_);
    ++queries;
    asio::steady_timer timer(co_await asio::this_coro::executor, 5ms);
    co_await timer.async_wait(asio::use_awaitable);
    --in_flight_;
    co_return zone_.lookup(name, type);
  }
  SharedAnswer answer_now(std::string_view name, RecordType type) override {
    if (!at_hand_.contains(std::string(name))) return nullptr;
    return std::make_shared<const Answer>(zone_.lookup(name, type));
  }
  int queries = 0;
  int max_in_flight() const { return max_in_flight_; }

 private:
  ZoneResolver& zone_;
  std::set<std::string> at_hand_;
  int in_flight_ = 0;
  int max_in_flight_ = 0;
};

TEST(LookupAll, AtHandFirstTheRestConcurrentlyInOrder) {
  ZoneResolver zone;
  for (int i = 0; i < 4; ++i) {
    zone.add_address("h" + std::to_string(i) + ".example.test",
                     IpAddress::parse("192.0.2." + std::to_string(i + 1)).value());
  }
  HalfAtHand resolver(zone, {"h0.example.test", "h2.example.test"});
  std::vector<Question> questions;
  for (int i = 0; i < 4; ++i) questions.push_back({"h" + std::to_string(i) + ".example.test"});
  questions.push_back({"missing.example.test"});
  asio::io_context io;
  auto answers = run_sync(io, lookup_all(resolver, questions));
  ASSERT_EQ(answers.size(), 5u);
  for (int i = 0; i < 4; ++i) {
    ASSERT_EQ(answers[i]->status, Status::ok) << i;
    EXPECT_EQ(answers[i]->addresses.at(0).to_string(), "192.0.2." + std::to_string(i + 1));
  }
  EXPECT_EQ(answers[4]->status, Status::nxdomain);
  EXPECT_EQ(resolver.queries, 3);          // h1, h3 and the missing name
  EXPECT_EQ(resolver.max_in_flight(), 3);  // asked at the same time
}

TEST(LookupAll, EverythingAtHandAsksNothing) {
  ZoneResolver zone;
  zone.add_txt("example.test", {"x"});
  asio::io_context io;
  auto answers = run_sync(
      io, lookup_all(zone, {{"example.test", RecordType::TXT}, {"example.test", RecordType::A}}));
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_EQ(answers[0]->status, Status::ok);
  EXPECT_EQ(answers[1]->status, Status::nodata);
  EXPECT_TRUE(run_sync(io, lookup_all(zone, {})).empty());
}

// A caller's fetch replaces query_shared() for the answers not at hand, and only for those.
asio::awaitable<SharedAnswer> fetch_marked(Resolver& resolver, std::string name, RecordType type) {
  auto answer = std::make_shared<Answer>(co_await resolver.query(std::move(name), type));
  answer->error_text = "fetched by the caller";
  co_return answer;
}

TEST(LookupAll, CallersFetchAsksForWhatIsNotAtHand) {
  ZoneResolver zone;
  zone.add_address("a.example.test", IpAddress::parse("192.0.2.1").value());
  zone.add_address("b.example.test", IpAddress::parse("192.0.2.2").value());
  HalfAtHand resolver(zone, {"a.example.test"});
  asio::io_context io;
  auto answers =
      run_sync(io, lookup_all(resolver, {{"a.example.test"}, {"b.example.test"}}, fetch_marked));
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_EQ(answers[0]->error_text, "");
  EXPECT_EQ(answers[1]->error_text, "fetched by the caller");
  EXPECT_EQ(answers[1]->addresses.at(0).to_string(), "192.0.2.2");
  EXPECT_EQ(resolver.queries, 1);
}

}  // namespace
}  // namespace senderauth::dns
