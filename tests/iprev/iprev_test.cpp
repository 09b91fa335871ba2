// FCrDNS (RFC 8601 iprev) over an in-memory zone: every result, IPv4-mapped clients, the name
// cap, PTR hygiene, and that the forward lookups really run concurrently.
#include <gtest/gtest.h>

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <chrono>
#include <string>

#include "senderauth/dns/run_sync.hpp"
#include "senderauth/dns/zone_resolver.hpp"
#include "senderauth/iprev/iprev.hpp"

namespace senderauth::iprev {
namespace {

IpAddress ip(std::string_view text) {
  return IpAddress::parse(text).value();
}

IprevResult run(dns::Resolver& resolver, const IpAddress& client, IprevOptions options = {}) {
  asio::io_context io;
  return dns::run_sync(io, check_iprev(resolver, client, options));
}

TEST(Iprev, PassIPv4) {
  dns::ZoneResolver zone;
  zone.add_ptr("1.2.0.192.in-addr.arpa", "mail.example.test");
  zone.add_address("mail.example.test", ip("192.0.2.1"));
  zone.add_address("mail.example.test", ip("192.0.2.2"));
  IprevResult r = run(zone, ip("192.0.2.1"));
  EXPECT_EQ(r.status, IprevStatus::pass);
  EXPECT_EQ(to_string(r.status), "pass");
  EXPECT_EQ(r.verified_name, "mail.example.test");
  EXPECT_EQ(r.comment(), "mail.example.test");
  EXPECT_EQ(r.client_ip, ip("192.0.2.1"));
  EXPECT_EQ(r.dns_queries, 2);
  ASSERT_EQ(zone.query_log().size(), 2u);
  EXPECT_EQ(zone.query_log()[1].second, dns::RecordType::A);
}

TEST(Iprev, PassIPv6UsesAaaa) {
  dns::ZoneResolver zone;
  IpAddress client = ip("2001:db8::25");
  zone.add_ptr(client.reverse_name(), "mx6.example.test");
  zone.add_address("mx6.example.test", client);
  IprevResult r = run(zone, client);
  EXPECT_EQ(r.status, IprevStatus::pass);
  ASSERT_EQ(zone.query_log().size(), 2u);
  EXPECT_EQ(zone.query_log()[1].second, dns::RecordType::AAAA);
}

TEST(Iprev, MappedClientIsCheckedAsIPv4) {
  dns::ZoneResolver zone;
  zone.add_ptr("1.2.0.192.in-addr.arpa", "mail.example.test");
  zone.add_address("mail.example.test", ip("192.0.2.1"));
  IprevResult r = run(zone, ip("::ffff:192.0.2.1"));
  EXPECT_EQ(r.status, IprevStatus::pass);
  EXPECT_TRUE(r.client_ip.is_v4());
  EXPECT_EQ(zone.query_log()[0].first, "1.2.0.192.in-addr.arpa");
  EXPECT_EQ(zone.query_log()[1].second, dns::RecordType::A);
}

TEST(Iprev, NoPtrIsPermerror) {
  dns::ZoneResolver zone;
  IprevResult nx = run(zone, ip("192.0.2.9"));
  EXPECT_EQ(nx.status, IprevStatus::permerror);
  EXPECT_EQ(nx.reason, "no PTR record for 192.0.2.9");
  zone.add_empty_name("9.2.0.192.in-addr.arpa");
  EXPECT_EQ(run(zone, ip("192.0.2.9")).status, IprevStatus::permerror);
}

TEST(Iprev, PtrFailureIsTemperror) {
  dns::ZoneResolver zone;
  zone.inject_failure("9.2.0.192.in-addr.arpa", dns::Status::servfail);
  IprevResult r = run(zone, ip("192.0.2.9"));
  EXPECT_EQ(r.status, IprevStatus::temperror);
  EXPECT_NE(r.reason.find("servfail"), std::string::npos) << r.reason;
  zone.inject_failure("9.2.0.192.in-addr.arpa", dns::Status::timeout);
  EXPECT_EQ(run(zone, ip("192.0.2.9")).status, IprevStatus::temperror);
}

TEST(Iprev, ForwardMismatchOrMissingIsFail) {
  dns::ZoneResolver zone;
  zone.add_ptr("1.2.0.192.in-addr.arpa", "other.example.test");
  zone.add_address("other.example.test", ip("198.51.100.7"));
  IprevResult r = run(zone, ip("192.0.2.1"));
  EXPECT_EQ(r.status, IprevStatus::fail);
  EXPECT_EQ(r.reason, "other.example.test does not resolve to 192.0.2.1");
  EXPECT_EQ(r.comment(), r.reason);

  dns::ZoneResolver dangling;
  dangling.add_ptr("1.2.0.192.in-addr.arpa", "gone.example.test");  // NXDOMAIN forward
  EXPECT_EQ(run(dangling, ip("192.0.2.1")).status, IprevStatus::fail);
}

TEST(Iprev, ForwardTimeoutWithoutMatchIsTemperror) {
  dns::ZoneResolver zone;
  zone.add_ptr("1.2.0.192.in-addr.arpa", "slow.example.test");
  zone.add_ptr("1.2.0.192.in-addr.arpa", "other.example.test");
  zone.add_address("other.example.test", ip("198.51.100.7"));
  zone.inject_failure("slow.example.test", dns::Status::timeout);
  EXPECT_EQ(run(zone, ip("192.0.2.1")).status, IprevStatus::temperror);
}

TEST(Iprev, OneMatchingNameIsEnoughEvenIfAnotherTimesOut) {
  dns::ZoneResolver zone;
  zone.add_ptr("1.2.0.192.in-addr.arpa", "slow.example.test");
  zone.add_ptr("1.2.0.192.in-addr.arpa", "good.example.test");
  zone.add_address("good.example.test", ip("192.0.2.1"));
  zone.inject_failure("slow.example.test", dns::Status::timeout);
  IprevResult r = run(zone, ip("192.0.2.1"));
  EXPECT_EQ(r.status, IprevStatus::pass);
  EXPECT_EQ(r.verified_name, "good.example.test");
}

// At most ten names are looked up, the first ten in name order (n1, n10, n11, n12, n2 ... n7),
// whatever order the answer gives: a server's round robin must not change the result. None of
// those resolving back is permerror, not fail: n8 or n9, never looked up, might.
TEST(Iprev, AtMostTenNamesAreLookedUpInNameOrder) {
  dns::ZoneResolver zone;
  for (int i = 12; i >= 1; --i) {
    zone.add_ptr("1.2.0.192.in-addr.arpa", "n" + std::to_string(i) + ".example.test");
  }
  zone.add_address("n9.example.test", ip("192.0.2.1"));  // beyond the cap
  IprevResult r = run(zone, ip("192.0.2.1"));
  EXPECT_EQ(r.status, IprevStatus::permerror);
  EXPECT_EQ(r.ptr_names.size(), 12u);
  EXPECT_EQ(r.ptr_names.front(), "n1.example.test");
  EXPECT_EQ(r.names_checked, 10u);
  EXPECT_EQ(r.names_ignored, 2u);
  EXPECT_EQ(zone.query_count(), 11u);
  EXPECT_EQ(r.reason,
            "none of the first 10 of 12 PTR names (in name order) resolves to 192.0.2.1; more are "
            "not looked up");

  zone.add_address("n11.example.test", ip("192.0.2.1"));  // third in name order
  r = run(zone, ip("192.0.2.1"));
  EXPECT_EQ(r.status, IprevStatus::pass);
  EXPECT_EQ(r.verified_name, "n11.example.test");
  EXPECT_EQ(run(zone, ip("192.0.2.1"), IprevOptions{.max_names = 2}).status,
            IprevStatus::permerror);
  EXPECT_EQ(run(zone, ip("192.0.2.1"), IprevOptions{.max_names = 3}).status, IprevStatus::pass);
  EXPECT_EQ(run(zone, ip("192.0.2.1"), IprevOptions{.max_names = 0}).names_checked, 1u);
  EXPECT_EQ(run(zone, ip("192.0.2.1"), IprevOptions{.max_names = 99}).names_checked, 10u);

  // All looked up and none resolving back is a verified failure.
  dns::ZoneResolver ten;
  for (int i = 1; i <= 10; ++i) {
    ten.add_ptr("1.2.0.192.in-addr.arpa", "n" + std::to_string(i) + ".example.test");
  }
  r = run(ten, ip("192.0.2.1"));
  EXPECT_EQ(r.status, IprevStatus::fail);
  EXPECT_EQ(r.reason, "none of 10 PTR names resolves to 192.0.2.1");
}

TEST(Iprev, PtrNamesAreNormalisedDeduplicatedAndChecked) {
  dns::ZoneResolver zone;
  zone.add_ptr("1.2.0.192.in-addr.arpa", "MAIL.Example.TEST.");
  zone.add_ptr("1.2.0.192.in-addr.arpa", "mail.example.test");
  zone.add_ptr("1.2.0.192.in-addr.arpa", "_srv.example.test");
  zone.add_address("mail.example.test", ip("192.0.2.1"));
  IprevResult r = run(zone, ip("192.0.2.1"));
  EXPECT_EQ(r.status, IprevStatus::pass);
  EXPECT_EQ(r.ptr_names, std::vector<std::string>{"mail.example.test"});
  EXPECT_EQ(r.names_ignored, 1u);
  EXPECT_EQ(zone.query_count(), 2u);

  dns::ZoneResolver bad;
  bad.add_ptr("1.2.0.192.in-addr.arpa", "_only.example.test");
  IprevResult b = run(bad, ip("192.0.2.1"));
  EXPECT_EQ(b.status, IprevStatus::fail);
  EXPECT_EQ(bad.query_count(), 1u);
}

// A PTR target is kept only when it is a host name (RFC 1123: letters, digits, inner hyphens):
// the name goes into the iprev comment of Authentication-Results, where a '(' from the reverse
// zone ("mx(.evil.example") would open a comment SpamAssassin never sees closed, and SPF too
// refuses a '\\' in a PTR target. Even one that resolves back to the client is passed over.
TEST(Iprev, PtrTargetsThatAreNotHostNamesAreIgnored) {
  for (const std::string name : {"mx(.evil.example", "mx).evil.example", "x\"y\\z.evil.example",
                                 "a;b.evil.example", "-mx.evil.example", "mx-.evil.example"}) {
    dns::ZoneResolver zone;
    zone.add_ptr("7.113.0.203.in-addr.arpa", name);
    zone.add_address(name, ip("203.0.113.7"));
    IprevResult r = run(zone, ip("203.0.113.7"));
    EXPECT_EQ(r.status, IprevStatus::fail) << name;
    EXPECT_EQ(r.reason, "the PTR records of 203.0.113.7 name no valid host") << name;
    EXPECT_TRUE(r.ptr_names.empty()) << name;
    EXPECT_EQ(r.names_ignored, 1u) << name;
    EXPECT_EQ(zone.query_count(), 1u) << name;  // no forward lookup
  }
  dns::ZoneResolver zone;
  zone.add_ptr("7.113.0.203.in-addr.arpa", "Mx-1.evil.example.");
  zone.add_address("mx-1.evil.example", ip("203.0.113.7"));
  EXPECT_EQ(run(zone, ip("203.0.113.7")).verified_name, "mx-1.evil.example");
}

// Answers after a delay and records how many queries were in flight at once.
class SlowResolver final : public dns::Resolver {
 public:
  explicit SlowResolver(dns::ZoneResolver& zone) : zone_(zone) {}
  asio::awaitable<dns::Answer> query(std::string name, dns::RecordType type) override {
    ++in_flight_;
    max_in_flight_ = std::max(max_in_flight_, in_flight_);
    asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::milliseconds(50));
    co_await timer.async_wait(asio::use_awaitable);
    --in_flight_;
    co_return zone_.lookup(name, type);
  }
  int max_in_flight() const { return max_in_flight_; }

 private:
  dns::ZoneResolver& zone_;
  int in_flight_ = 0;
  int max_in_flight_ = 0;
};

TEST(Iprev, ForwardLookupsRunConcurrently) {
  dns::ZoneResolver zone;
  for (int i = 1; i <= 10; ++i) {
    zone.add_ptr("1.2.0.192.in-addr.arpa", "n" + std::to_string(i) + ".example.test");
  }
  zone.add_address("n10.example.test", ip("192.0.2.1"));
  SlowResolver slow(zone);
  auto start = std::chrono::steady_clock::now();
  IprevResult r = run(slow, ip("192.0.2.1"));
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.status, IprevStatus::pass);
  EXPECT_EQ(slow.max_in_flight(), 10);
  // PTR then one round of 10 in parallel: ~100 ms, far from the 550 ms of a serial walk.
  EXPECT_LT(elapsed, std::chrono::milliseconds(400));
}

}  // namespace
}  // namespace senderauth::iprev
