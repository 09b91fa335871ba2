// One contract, two backends: the in-memory ZoneResolver and libunbound forwarding to a real
// nsd serving the same zone text. Whatever protocol code sees must not depend on which it got.
#include <gtest/gtest.h>

#include <algorithm>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "senderauth/dns/run_sync.hpp"
#include "senderauth/dns/unbound_resolver.hpp"
#include "senderauth/dns/zone_resolver.hpp"
#include "support/conformance.hpp"
#include "support/nsd_server.hpp"

namespace senderauth::dns {
namespace {

using namespace std::chrono_literals;

const std::string kLongA(255, 'a');
const std::string kLongB(45, 'b');

const std::string kForwardZone = R"($TTL 300
@        IN SOA ns.invalid. hostmaster.example.test. 1 3600 600 86400 60
@        IN NS  ns.invalid.
@        IN CAA 0 issue "ca.example"
www      IN A    192.0.2.10
www      IN A    192.0.2.11
www      IN AAAA 2001:db8::10
txt      IN TXT  "v=spf1 " "ip4:192.0.2.0/24 " "-all"
txt      IN TXT  "other"
long     IN TXT  ")" + kLongA + "\" \"" +
                                 kLongB + R"("
mail     IN MX   20 mx2.example.test.
mail     IN MX   10 mx1.example.test.
alias    IN CNAME alias2
alias2   IN CNAME www
dangling IN CNAME gone
ttl 1234 IN A    192.0.2.20
*.wild   IN TXT  "v=spf1 -all"
*.wild   IN A    192.0.2.7
x.wild   IN MX   10 mx1.example.test.
a.b.ent  IN A    192.0.2.8
*.walias IN CNAME www
dup      IN TXT  "v=spf1 ip4:192.0.2.0/24 -all"
dup      IN TXT  "v=spf1 ip4:192.0.2.0/24 -all"
dup      IN A    192.0.2.30
DUP      IN A    192.0.2.30
)";

const std::string kReverseZone = R"($TTL 300
@        IN SOA ns.invalid. hostmaster.example.test. 1 3600 600 86400 60
@        IN NS  ns.invalid.
10       IN PTR www.example.test.
)";

class ResolverContract : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "zone") {
      zone_ = std::make_unique<ZoneResolver>();
      auto forward = zone_->load_zone_text(kForwardZone, "example.test");
      ASSERT_TRUE(forward.ok()) << forward.reason();
      auto reverse = zone_->load_zone_text(kReverseZone, "2.0.192.in-addr.arpa");
      ASSERT_TRUE(reverse.ok()) << reverse.reason();
      resolver_ = zone_.get();
      return;
    }
    if (!testing::NsdServer::available()) {
      if (testing::running_in_ci()) FAIL() << "nsd missing under CI (apt-get install nsd)";
      GTEST_SKIP() << "nsd not installed: the libunbound contract run needs it";
    }
    auto server = testing::NsdServer::start(
        {{"example.test", kForwardZone}, {"2.0.192.in-addr.arpa", kReverseZone}});
    ASSERT_TRUE(server.ok()) << server.reason();
    nsd_ = std::move(server.value());
    // generous: the machine is loaded; timeouts are tested apart
    auto unbound = testing::forwarding_resolver(io_.get_executor(), nsd_->address(), 10s);
    ASSERT_TRUE(unbound.ok()) << unbound.reason();
    unbound_ = std::move(unbound.value());
    resolver_ = unbound_.get();
  }

  Answer ask(const std::string& name, RecordType type) {
    return run_sync(io_, resolver_->query(name, type));
  }

  asio::io_context io_;
  std::unique_ptr<testing::NsdServer> nsd_;
  std::unique_ptr<ZoneResolver> zone_;
  std::unique_ptr<UnboundResolver> unbound_;
  Resolver* resolver_ = nullptr;
};

// Concurrent awaitables, results in order. include/senderauth/dns/gather.hpp would do, but it
// includes <asio/as_tuple.hpp>, which Debian 12's Asio 1.22 has only under experimental/, so it
// does not compile here; this waits with redirect_error instead.
asio::awaitable<std::vector<Answer>> gather_answers(std::vector<asio::awaitable<Answer>> tasks) {
  auto executor = co_await asio::this_coro::executor;
  struct State {
    explicit State(asio::any_io_executor ex) : done(ex, asio::steady_timer::time_point::max()) {}
    asio::steady_timer done;
    std::vector<Answer> answers;
    std::size_t remaining = 0;
  };
  auto state = std::make_shared<State>(executor);
  state->answers.resize(tasks.size());
  state->remaining = tasks.size();
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    asio::co_spawn(executor, std::move(tasks[i]), [state, i](std::exception_ptr, Answer a) {
      state->answers[i] = std::move(a);
      if (--state->remaining == 0) state->done.cancel();
    });
  }
  if (state->remaining > 0) {
    std::error_code ignored;
    co_await state->done.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
  co_return std::move(state->answers);
}

std::vector<std::string> texts(const std::vector<IpAddress>& addresses) {
  std::vector<std::string> out;
  for (const auto& a : addresses) out.push_back(a.to_string());
  std::sort(out.begin(), out.end());
  return out;
}

TEST_P(ResolverContract, AddressRecords) {
  auto a = ask("www.example.test", RecordType::A);
  ASSERT_EQ(a.status, Status::ok) << a.error_text;
  EXPECT_EQ(a.name, "www.example.test");
  EXPECT_EQ(a.type, RecordType::A);
  EXPECT_EQ(texts(a.addresses), (std::vector<std::string>{"192.0.2.10", "192.0.2.11"}));
  EXPECT_TRUE(a.cname_chain.empty());

  auto aaaa = ask("www.example.test", RecordType::AAAA);
  ASSERT_EQ(aaaa.status, Status::ok) << aaaa.error_text;
  EXPECT_EQ(texts(aaaa.addresses), (std::vector<std::string>{"2001:db8::10"}));
}

TEST_P(ResolverContract, TxtStringsKeptApartAndJoined) {
  auto txt = ask("txt.example.test", RecordType::TXT);
  ASSERT_EQ(txt.status, Status::ok) << txt.error_text;
  auto records = txt.txt;
  std::sort(records.begin(), records.end());
  EXPECT_EQ(records, (std::vector<std::vector<std::string>>{
                         {"other"}, {"v=spf1 ", "ip4:192.0.2.0/24 ", "-all"}}));
  auto joined = txt.joined_txt();
  std::sort(joined.begin(), joined.end());
  EXPECT_EQ(joined, (std::vector<std::string>{"other", "v=spf1 ip4:192.0.2.0/24 -all"}));
}

TEST_P(ResolverContract, LongTxtSplitIntoStrings) {
  auto txt = ask("long.example.test", RecordType::TXT);
  ASSERT_EQ(txt.status, Status::ok) << txt.error_text;
  ASSERT_EQ(txt.txt.size(), 1u);
  EXPECT_EQ(txt.txt[0], (std::vector<std::string>{kLongA, kLongB}));
  EXPECT_EQ(txt.joined_txt(), (std::vector<std::string>{kLongA + kLongB}));
}

TEST_P(ResolverContract, MxWithPreferences) {
  auto mx = ask("mail.example.test", RecordType::MX);
  ASSERT_EQ(mx.status, Status::ok) << mx.error_text;
  auto records = mx.mx;
  std::sort(records.begin(), records.end(),
            [](const MxRecord& a, const MxRecord& b) { return a.preference < b.preference; });
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].preference, 10);
  EXPECT_EQ(records[0].exchange, "mx1.example.test");
  EXPECT_EQ(records[1].preference, 20);
  EXPECT_EQ(records[1].exchange, "mx2.example.test");
}

// RFC 4592: a name that does not exist takes the records of its closest encloser's wildcard.
TEST_P(ResolverContract, WildcardsSynthesizeForNamesThatDoNotExist) {
  for (const char* name : {"any.wild.example.test", "a.b.wild.example.test"}) {
    auto txt = ask(name, RecordType::TXT);
    ASSERT_EQ(txt.status, Status::ok) << name << " " << to_string(txt.status);
    EXPECT_EQ(txt.name, name);
    EXPECT_EQ(txt.joined_txt(), (std::vector<std::string>{"v=spf1 -all"}));
    auto a = ask(name, RecordType::A);
    ASSERT_EQ(a.status, Status::ok) << name;
    EXPECT_EQ(texts(a.addresses), (std::vector<std::string>{"192.0.2.7"}));
    EXPECT_EQ(ask(name, RecordType::MX).status, Status::nodata) << name;
  }
  // A name that exists is not synthesized for, nor is the wildcard's parent.
  EXPECT_EQ(ask("x.wild.example.test", RecordType::TXT).status, Status::nodata);
  EXPECT_EQ(ask("wild.example.test", RecordType::TXT).status, Status::nodata);
  // Below an empty non-terminal with no wildcard of its own: nothing.
  EXPECT_EQ(ask("x.b.ent.example.test", RecordType::A).status, Status::nxdomain);
  // The wildcard name asked literally is itself.
  EXPECT_EQ(ask("*.wild.example.test", RecordType::TXT).status, Status::ok);
  // A wildcard CNAME is followed.
  auto alias = ask("foo.walias.example.test", RecordType::A);
  ASSERT_EQ(alias.status, Status::ok) << alias.error_text;
  EXPECT_EQ(texts(alias.addresses), (std::vector<std::string>{"192.0.2.10", "192.0.2.11"}));
  EXPECT_EQ(alias.cname_chain, (std::vector<std::string>{"www.example.test"}));
}

// Asked for the CNAME itself, the answer is that record: nothing is followed.
TEST_P(ResolverContract, CnameQueryDoesNotFollowTheChain) {
  auto cname = ask("alias.example.test", RecordType::CNAME);
  ASSERT_EQ(cname.status, Status::ok) << cname.error_text;
  EXPECT_EQ(cname.names, (std::vector<std::string>{"alias2.example.test"}));
  EXPECT_TRUE(cname.cname_chain.empty());
}

// RFC 2181 5: an RRset is a set; a record written twice is served once.
TEST_P(ResolverContract, DuplicateRecordsAreServedOnce) {
  auto txt = ask("dup.example.test", RecordType::TXT);
  ASSERT_EQ(txt.status, Status::ok) << txt.error_text;
  EXPECT_EQ(txt.joined_txt(), (std::vector<std::string>{"v=spf1 ip4:192.0.2.0/24 -all"}));
  auto a = ask("dup.example.test", RecordType::A);
  ASSERT_EQ(a.status, Status::ok) << a.error_text;
  EXPECT_EQ(texts(a.addresses), (std::vector<std::string>{"192.0.2.30"}));
}

TEST_P(ResolverContract, PtrInReverseZone) {
  auto ptr = ask(IpAddress::parse("192.0.2.10")->reverse_name(), RecordType::PTR);
  ASSERT_EQ(ptr.status, Status::ok) << ptr.error_text;
  EXPECT_EQ(ptr.names, (std::vector<std::string>{"www.example.test"}));
}

TEST_P(ResolverContract, CaaRecord) {
  auto caa = ask("example.test", RecordType::CAA);
  ASSERT_EQ(caa.status, Status::ok) << caa.error_text;
  ASSERT_EQ(caa.caa.size(), 1u);
  EXPECT_EQ(caa.caa[0].flags, 0);
  EXPECT_EQ(caa.caa[0].tag, "issue");
  EXPECT_EQ(caa.caa[0].value, "ca.example");
}

TEST_P(ResolverContract, CnameChainFollowedAndRecorded) {
  auto a = ask("alias.example.test", RecordType::A);
  ASSERT_EQ(a.status, Status::ok) << a.error_text;
  EXPECT_EQ(a.name, "alias.example.test");
  EXPECT_EQ(texts(a.addresses), (std::vector<std::string>{"192.0.2.10", "192.0.2.11"}));
  EXPECT_EQ(a.cname_chain, (std::vector<std::string>{"alias2.example.test", "www.example.test"}));
}

TEST_P(ResolverContract, CnameAskedForItself) {
  auto c = ask("alias.example.test", RecordType::CNAME);
  ASSERT_EQ(c.status, Status::ok) << c.error_text;
  EXPECT_EQ(c.names, (std::vector<std::string>{"alias2.example.test"}));
}

TEST_P(ResolverContract, NxdomainVersusNodata) {
  auto missing = ask("nothere.example.test", RecordType::A);
  EXPECT_EQ(missing.status, Status::nxdomain);
  EXPECT_TRUE(missing.empty_result());
  EXPECT_FALSE(missing.temporary_failure());

  auto nodata = ask("www.example.test", RecordType::TXT);
  EXPECT_EQ(nodata.status, Status::nodata);
  EXPECT_TRUE(nodata.empty_result());
  EXPECT_TRUE(nodata.txt.empty());
}

TEST_P(ResolverContract, NegativeAnswersCarryTheSoaMinimumTtl) {
  // SOA TTL 300, minimum 60: RFC 2308 takes the smaller.
  auto missing = ask("nothere.example.test", RecordType::A);
  ASSERT_EQ(missing.status, Status::nxdomain);
  EXPECT_EQ(missing.ttl, 60u);
  auto nodata = ask("www.example.test", RecordType::MX);
  ASSERT_EQ(nodata.status, Status::nodata);
  EXPECT_EQ(nodata.ttl, 60u);
}

TEST_P(ResolverContract, NxdomainAtTheEndOfACnameChain) {
  auto a = ask("dangling.example.test", RecordType::A);
  EXPECT_EQ(a.status, Status::nxdomain);
  EXPECT_EQ(a.cname_chain, (std::vector<std::string>{"gone.example.test"}));
}

TEST_P(ResolverContract, NamesAreCaseInsensitiveWithOptionalTrailingDot) {
  auto a = ask("WWW.Example.TEST.", RecordType::A);
  ASSERT_EQ(a.status, Status::ok) << a.error_text;
  EXPECT_EQ(a.name, "www.example.test");
  EXPECT_EQ(texts(a.addresses), (std::vector<std::string>{"192.0.2.10", "192.0.2.11"}));
}

TEST_P(ResolverContract, TtlReported) {
  auto a = ask("ttl.example.test", RecordType::A);
  ASSERT_EQ(a.status, Status::ok) << a.error_text;
  EXPECT_EQ(a.ttl, 1234u);
  auto www = ask("www.example.test", RecordType::A);
  EXPECT_EQ(www.ttl, 300u);
}

TEST_P(ResolverContract, ManyConcurrentQueriesThroughGather) {
  std::vector<asio::awaitable<Answer>> tasks;
  for (int i = 0; i < 60; ++i) {
    const char* names[] = {"www.example.test", "txt.example.test", "nothere.example.test"};
    tasks.push_back(resolver_->query(names[i % 3], i % 3 == 1 ? RecordType::TXT : RecordType::A));
  }
  auto answers = run_sync(io_, gather_answers(std::move(tasks)));
  ASSERT_EQ(answers.size(), 60u);
  for (std::size_t i = 0; i < answers.size(); ++i) {
    const Status expected = i % 3 == 2 ? Status::nxdomain : Status::ok;
    EXPECT_EQ(answers[i].status, expected) << i << " " << answers[i].error_text;
  }
}

TEST_P(ResolverContract, ConcurrentQueries) {
  const std::vector<std::pair<std::string, RecordType>> asks = {
      {"www.example.test", RecordType::A},     {"www.example.test", RecordType::AAAA},
      {"txt.example.test", RecordType::TXT},   {"mail.example.test", RecordType::MX},
      {"nothere.example.test", RecordType::A}, {"alias.example.test", RecordType::A}};
  std::vector<Answer> answers(asks.size());
  for (std::size_t i = 0; i < asks.size(); ++i) {
    asio::co_spawn(io_, resolver_->query(asks[i].first, asks[i].second),
                   [&answers, i](std::exception_ptr, Answer a) { answers[i] = std::move(a); });
  }
  io_.restart();
  io_.run();  // returns once every query is done: nothing is left waiting when idle
  for (std::size_t i = 0; i < asks.size(); ++i) {
    EXPECT_EQ(answers[i].name, asks[i].first) << i;
    EXPECT_EQ(answers[i].type, asks[i].second) << i;
  }
  EXPECT_EQ(answers[0].addresses.size(), 2u);
  EXPECT_EQ(answers[1].addresses.size(), 1u);
  EXPECT_EQ(answers[2].txt.size(), 2u);
  EXPECT_EQ(answers[3].mx.size(), 2u);
  EXPECT_EQ(answers[4].status, Status::nxdomain);
  EXPECT_EQ(answers[5].addresses.size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Backends, ResolverContract, ::testing::Values("zone", "unbound"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace senderauth::dns
