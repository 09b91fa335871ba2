// check_host() behaviour beyond the suites: configurable limits, the time budget, concurrent
// lookups, counters, identities.
#include <gtest/gtest.h>

#include <algorithm>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <chrono>

#include "senderauth/dns/caching_resolver.hpp"
#include "senderauth/dns/run_sync.hpp"
#include "senderauth/dns/zone_resolver.hpp"
#include "senderauth/spf/spf_evaluator.hpp"
#include "senderauth/spf/spf_identity.hpp"

namespace senderauth::spf {
namespace {

using namespace std::chrono_literals;

IpAddress ip(std::string_view text) {
  return *IpAddress::parse(text);
}

// Answers from a zone after a fixed delay and records how many queries overlapped.
class SlowResolver final : public dns::Resolver {
 public:
  SlowResolver(dns::ZoneResolver& zone, std::chrono::milliseconds delay)
      : zone_(zone), delay_(delay) {}
  asio::awaitable<dns::Answer> query(std::string name, dns::RecordType type) override {
    ++in_flight_;
    max_in_flight_ = std::max(max_in_flight_, in_flight_);
    asio::steady_timer timer(co_await asio::this_coro::executor, delay_);
    co_await timer.async_wait(asio::use_awaitable);
    --in_flight_;
    co_return zone_.lookup(name, type);
  }
  int max_in_flight() const { return max_in_flight_; }

 private:
  dns::ZoneResolver& zone_;
  std::chrono::milliseconds delay_;
  int in_flight_ = 0;
  int max_in_flight_ = 0;
};

class SpfEvaluator : public ::testing::Test {
 protected:
  SpfResult check(dns::Resolver& resolver, std::string_view client, std::string mail_from,
                  const SpfOptions& options = {}) {
    SpfRequest request;
    request.client_ip = ip(client);
    request.helo = "mail.example.org";
    request.mail_from = std::move(mail_from);
    return dns::run_sync(io, check_host(resolver, request, options));
  }
  SpfResult check(std::string_view client, std::string mail_from, const SpfOptions& options = {}) {
    return check(zone, client, std::move(mail_from), options);
  }
  asio::io_context io;
  dns::ZoneResolver zone;
};

TEST_F(SpfEvaluator, PassReportsMechanismAndCounts) {
  zone.add_txt("example.com", {"v=spf1 a:mx.example.com ip4:192.0.2.0/24 -all"});
  zone.add_address("mx.example.com", ip("198.51.100.1"));
  auto r = check("192.0.2.7", "user@example.com");
  EXPECT_EQ(r.verdict, SpfVerdict::pass);
  EXPECT_EQ(r.mechanism, "ip4:192.0.2.0/24");
  EXPECT_EQ(r.dns_lookups, 1);
  EXPECT_EQ(r.void_lookups, 0);
  EXPECT_EQ(r.dns_queries, 2);
  EXPECT_EQ(r.sender, "user@example.com");
  EXPECT_EQ(r.domain, "example.com");
}

TEST_F(SpfEvaluator, FailCarriesDefaultExplanation) {
  zone.add_txt("example.com", {"v=spf1 -all"});
  auto r = check("192.0.2.7", "user@example.com");
  EXPECT_EQ(r.verdict, SpfVerdict::fail);
  EXPECT_EQ(r.explanation, "192.0.2.7 is not one of example.com's designated mail servers.");
  SpfOptions quiet;
  quiet.want_explanation = false;
  EXPECT_TRUE(check("192.0.2.7", "user@example.com", quiet).explanation.empty());
}

// The default explanation names the client as written (%{c}, RFC 7208 7.3), not as %{i}'s
// dotted nibbles, which an IPv6 client's reply would otherwise show.
TEST_F(SpfEvaluator, DefaultExplanationWritesAnIpv6ClientReadably) {
  zone.add_txt("example.com", {"v=spf1 -all"});
  auto r = check("2001:db8::7", "user@example.com");
  EXPECT_EQ(r.verdict, SpfVerdict::fail);
  EXPECT_EQ(r.explanation, "2001:db8::7 is not one of example.com's designated mail servers.");
  // An IPv4-mapped client is an IPv4 one (4.1).
  EXPECT_EQ(check("::ffff:192.0.2.7", "user@example.com").explanation,
            "192.0.2.7 is not one of example.com's designated mail servers.");
}

TEST_F(SpfEvaluator, TxtStringsAreJoinedWithoutSeparator) {
  zone.add_txt("example.com", {"v=spf1 ip4:192.0.2", ".7 -all"});
  EXPECT_EQ(check("192.0.2.7", "user@example.com").verdict, SpfVerdict::pass);
}

TEST_F(SpfEvaluator, VoidLimitIsConfigurable) {
  zone.add_txt("example.com", {"v=spf1 a:n1.example.com a:n2.example.com a:n3.example.com ?all"});
  auto r = check("192.0.2.7", "user@example.com");
  EXPECT_EQ(r.verdict, SpfVerdict::permerror);
  EXPECT_EQ(r.void_lookups, 3);
  // The lookup that went over the limit is named, so that the domain's owner can find it.
  EXPECT_EQ(r.problem, "more than 2 void DNS lookups, the last for A of n3.example.com");
  // A ptr term's void lookup is the client's reverse name.
  zone.add_txt("ptr.example.com", {"v=spf1 ptr ptr ptr ?all"});
  EXPECT_EQ(check("192.0.2.7", "user@ptr.example.com").problem,
            "more than 2 void DNS lookups, the last for PTR of 7.2.0.192.in-addr.arpa");
  SpfOptions lenient;
  lenient.max_void_lookups = 3;
  EXPECT_EQ(check("192.0.2.7", "user@example.com", lenient).verdict, SpfVerdict::neutral);
}

TEST_F(SpfEvaluator, DnsTermLimitIsConfigurable) {
  zone.add_txt("example.com", {"v=spf1 a a a a ip4:192.0.2.7"});
  zone.add_address("example.com", ip("198.51.100.1"));
  EXPECT_EQ(check("192.0.2.7", "user@example.com").verdict, SpfVerdict::pass);
  SpfOptions strict;
  strict.max_dns_terms = 3;
  auto r = check("192.0.2.7", "user@example.com", strict);
  EXPECT_EQ(r.verdict, SpfVerdict::permerror);
  EXPECT_EQ(r.problem, "more than 3 DNS-querying terms, the last a in the record of example.com");
}

// A limit reached inside an include names the record the term is in, and a redirect= too.
TEST_F(SpfEvaluator, TermLimitNamesTheTermAndItsRecord) {
  zone.add_txt("example.com", {"v=spf1 a include:inner.example.com"});
  zone.add_txt("inner.example.com", {"v=spf1 mx exists:%{i}.x.example.com"});
  zone.add_txt("r.example.com", {"v=spf1 a redirect=example.com"});
  SpfOptions strict;
  strict.max_dns_terms = 3;
  EXPECT_EQ(check("192.0.2.7", "user@example.com", strict).problem,
            "more than 3 DNS-querying terms, the last exists:%{i}.x.example.com in the record of "
            "inner.example.com");
  strict.max_dns_terms = 1;
  EXPECT_EQ(check("192.0.2.7", "user@r.example.com", strict).problem,
            "more than 1 DNS-querying terms, the last redirect=example.com in the record of "
            "r.example.com");
}

// MX hosts without an address of the client's family: by default the mx term counts its MX
// query only; with count_mx_host_voids each such host is a void lookup, as in pyspf.
TEST_F(SpfEvaluator, MxHostVoidsCountOnlyWhenAsked) {
  zone.add_txt("example.com", {"v=spf1 mx -all"});
  zone.add_mx("example.com", 10, "mx1.example.com");
  zone.add_mx("example.com", 20, "mx2.example.com");
  zone.add_mx("example.com", 30, "mx3.example.com");
  for (const char* host : {"mx1.example.com", "mx2.example.com", "mx3.example.com"}) {
    zone.add_address(host, ip("2001:db8::1"));
  }
  auto r = check("192.0.2.7", "user@example.com");
  EXPECT_EQ(r.verdict, SpfVerdict::fail);
  EXPECT_EQ(r.void_lookups, 0);
  SpfOptions like_pyspf;
  like_pyspf.count_mx_host_voids = true;
  r = check("192.0.2.7", "user@example.com", like_pyspf);
  EXPECT_EQ(r.verdict, SpfVerdict::permerror);
  EXPECT_EQ(r.problem, "more than 2 void DNS lookups, the last for A of mx3.example.com");
  // An IPv6 client finds addresses: nothing void, and a match.
  EXPECT_EQ(check("2001:db8::1", "user@example.com", like_pyspf).verdict, SpfVerdict::pass);
}

TEST_F(SpfEvaluator, MxNameLimit) {
  zone.add_txt("example.com", {"v=spf1 mx -all"});
  for (int i = 0; i < 4; ++i) {
    std::string host = "mx" + std::to_string(i) + ".example.com";
    zone.add_mx("example.com", static_cast<std::uint16_t>(i), host);
    zone.add_address(host, ip("198.51.100." + std::to_string(i + 1)));
  }
  EXPECT_EQ(check("198.51.100.4", "user@example.com").verdict, SpfVerdict::pass);
  SpfOptions strict;
  strict.max_mx_names = 3;
  EXPECT_EQ(check("198.51.100.4", "user@example.com", strict).verdict, SpfVerdict::permerror);
}

// RFC 7208 4.6.4: a ptr term looks at no more than 10 PTR names; the 11th is ignored, however
// well it would match, and no address is looked up for it.
TEST_F(SpfEvaluator, PtrLooksAtTenNamesAtMost) {
  zone.add_txt("good.example", {"v=spf1 ptr -all"});
  for (int i = 1; i <= 10; ++i) {
    zone.add_ptr("10.2.0.192.in-addr.arpa", "h" + std::to_string(i) + ".other.example");
  }
  zone.add_ptr("10.2.0.192.in-addr.arpa", "h11.good.example");
  zone.add_address("h11.good.example", ip("192.0.2.10"));
  zone.set_query_log_enabled(true);
  const SpfResult r = check("192.0.2.10", "a@good.example");
  EXPECT_EQ(r.verdict, SpfVerdict::fail);
  EXPECT_EQ(r.mechanism, "-all");
  for (const auto& [name, type] : zone.query_log()) EXPECT_NE(name, "h11.good.example");
  SpfOptions more;
  more.max_ptr_names = 11;
  EXPECT_EQ(check("192.0.2.10", "a@good.example", more).verdict, SpfVerdict::pass);
}

TEST_F(SpfEvaluator, DnsErrorsAreTemperror) {
  zone.add_txt("example.com", {"v=spf1 mx a:err.example.com -all"});
  zone.add_mx("example.com", 10, "mx.example.com");
  zone.inject_failure("mx.example.com", dns::Status::servfail);
  auto r = check("192.0.2.7", "user@example.com");
  EXPECT_EQ(r.verdict, SpfVerdict::temperror);
  EXPECT_NE(r.problem.find("mx.example.com"), std::string::npos) << r.problem;
  zone.inject_failure("other.example", dns::Status::timeout);
  EXPECT_EQ(check("192.0.2.7", "user@other.example").verdict, SpfVerdict::temperror);
}

TEST_F(SpfEvaluator, MxHostLookupsRunConcurrently) {
  zone.add_txt("example.com", {"v=spf1 mx -all"});
  for (int i = 0; i < 5; ++i) {
    std::string host = "mx" + std::to_string(i) + ".example.com";
    zone.add_mx("example.com", 10, host);
    zone.add_address(host, ip("198.51.100." + std::to_string(i + 1)));
  }
  SlowResolver slow(zone, 20ms);
  auto start = std::chrono::steady_clock::now();
  auto r = check(slow, "198.51.100.5", "user@example.com");
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.verdict, SpfVerdict::pass);
  EXPECT_EQ(slow.max_in_flight(), 5);
  // TXT, MX, then the five address lookups together: three round trips, not seven.
  EXPECT_LT(elapsed, 120ms);
}

TEST_F(SpfEvaluator, PtrValidationRunsConcurrently) {
  zone.add_txt("example.com", {"v=spf1 ptr -all"});
  zone.add_ptr("7.2.0.192.in-addr.arpa", "a.example.com");
  zone.add_ptr("7.2.0.192.in-addr.arpa", "b.example.com");
  zone.add_ptr("7.2.0.192.in-addr.arpa", "c.example.com");
  zone.add_address("c.example.com", ip("192.0.2.7"));
  SlowResolver slow(zone, 10ms);
  EXPECT_EQ(check(slow, "192.0.2.7", "user@example.com").verdict, SpfVerdict::pass);
  EXPECT_EQ(slow.max_in_flight(), 3);
}

// Names in DNS answers are chosen by whoever controls that zone. One with a '\' or a control
// byte names no host, and a resolver reading presentation format or C strings would look up
// another name (host.attacker.test\000.victim.test as host.attacker.test): never matched.
TEST_F(SpfEvaluator, PtrAndMxNamesWithBackslashOrControlBytesNeverMatch) {
  zone.add_txt("example.com", {"v=spf1 ptr -all"});
  zone.add_txt("mx.example.com", {"v=spf1 mx -all"});
  for (const std::string& host : {std::string("a\\.example.com"), std::string("b\x01.example.com"),
                                  std::string("c d.example.com")}) {
    zone.add_ptr("7.2.0.192.in-addr.arpa", host);
    zone.add_mx("mx.example.com", 10, host);
    zone.add_address(host, ip("192.0.2.7"));
  }
  EXPECT_EQ(check("192.0.2.7", "user@example.com").verdict, SpfVerdict::fail);
  EXPECT_EQ(check("192.0.2.7", "user@mx.example.com").verdict, SpfVerdict::fail);
  zone.add_ptr("7.2.0.192.in-addr.arpa", "d.example.com");
  zone.add_address("d.example.com", ip("192.0.2.7"));
  EXPECT_EQ(check("192.0.2.7", "user@example.com").verdict, SpfVerdict::pass);
}

TEST_F(SpfEvaluator, TimeBudgetGivesTemperror) {
  zone.add_txt("example.com", {"v=spf1 a:a1.example.com a:a2.example.com a:a3.example.com -all"});
  for (auto name : {"a1.example.com", "a2.example.com", "a3.example.com"}) {
    zone.add_address(name, ip("198.51.100.1"));
  }
  SlowResolver slow(zone, 30ms);
  SpfOptions options;
  options.time_budget = 50ms;
  auto r = check(slow, "192.0.2.7", "user@example.com", options);
  EXPECT_EQ(r.verdict, SpfVerdict::temperror);
  EXPECT_NE(r.problem.find("time budget"), std::string::npos);
  options.time_budget = 2s;
  EXPECT_EQ(check(slow, "192.0.2.7", "user@example.com", options).verdict, SpfVerdict::fail);
}

// RFC 7208 6.2: trouble with exp= never changes the result. A fail decided within the budget
// stays fail when the explanation's lookups (the exp= TXT, a %{p} in exp= or in its text) would
// start after it: the default explanation is given, and nothing more is looked up.
TEST_F(SpfEvaluator, ExplanationPastTheTimeBudgetKeepsTheFail) {
  zone.add_txt("example.com", {"v=spf1 a:a1.example.com -all exp=why.example.com"});
  zone.add_txt("p.example.com", {"v=spf1 a:a1.example.com -all exp=%{p}.why.example.com"});
  zone.add_txt("text.example.com", {"v=spf1 a:a1.example.com -all exp=whyp.example.com"});
  zone.add_address("a1.example.com", ip("198.51.100.1"));
  zone.add_txt("why.example.com", {"%{i} is not welcome"});
  zone.add_txt("whyp.example.com", {"%{p} is not welcome"});
  zone.add_ptr("7.2.0.192.in-addr.arpa", "host.example.com");
  zone.add_address("host.example.com", ip("192.0.2.7"));
  const std::string fallback = "192.0.2.7 is not one of example.com's designated mail servers.";
  SlowResolver slow(zone, 40ms);
  SpfOptions options;
  // The record's TXT (0-40 ms) and a1's address (40-80 ms) within the budget; the exp= TXT
  // after it.
  options.time_budget = 60ms;
  for (const char* sender : {"user@example.com", "user@p.example.com"}) {
    auto r = check(slow, "192.0.2.7", sender, options);
    EXPECT_EQ(r.verdict, SpfVerdict::fail) << sender << ": " << r.problem;
    EXPECT_EQ(r.mechanism, "-all") << sender;
    EXPECT_TRUE(r.problem.empty()) << sender << ": " << r.problem;
    EXPECT_EQ(r.dns_queries, 2) << sender;  // no exp= or PTR query past the deadline
  }
  EXPECT_EQ(check(slow, "192.0.2.7", "user@example.com", options).explanation, fallback);
  // The exp= TXT (80-120 ms) within a 100 ms budget, its %{p}'s PTR query after it.
  options.time_budget = 100ms;
  auto text = check(slow, "192.0.2.7", "user@text.example.com", options);
  EXPECT_EQ(text.verdict, SpfVerdict::fail) << text.problem;
  EXPECT_EQ(text.explanation,
            "192.0.2.7 is not one of text.example.com's designated mail servers.");
  // With time to spare, the same explanations are looked up.
  options.time_budget = 2s;
  EXPECT_EQ(check(slow, "192.0.2.7", "user@p.example.com", options).verdict, SpfVerdict::fail);
  EXPECT_EQ(check(slow, "192.0.2.7", "user@text.example.com", options).explanation,
            "host.example.com is not welcome");
}

// RFC 7208 7.1: a domain-spec ends in "." toplabel or a macro-expand; a literal '}' is neither,
// so the whole record is a permerror (4.6) before any term is evaluated.
TEST_F(SpfEvaluator, DomainSpecEndingInALiteralBraceIsPermerror) {
  zone.add_txt("example.com", {"v=spf1 ip4:192.0.2.1 include:x} -all"});
  zone.add_txt("a.example.com", {"v=spf1 a:foo} -all"});
  auto include = check("192.0.2.1", "user@example.com");
  EXPECT_EQ(include.verdict, SpfVerdict::permerror);
  EXPECT_NE(include.problem.find("include:x}"), std::string::npos) << include.problem;
  EXPECT_EQ(check("192.0.2.9", "user@a.example.com").verdict, SpfVerdict::permerror);
}

// RFC 7208 sets no length for a record: one longer than 4096 octets (a large provider's list of
// networks; here ~60 000 octets and ~3 000 terms, as pyspf evaluates it) is evaluated. The cap
// is what one DNS message can carry (kMaxRecordLength).
TEST_F(SpfEvaluator, RecordLongerThan4096OctetsIsEvaluated) {
  std::string record = "v=spf1";
  for (int i = 0; record.size() <= 60000; ++i) {
    record += " ip4:198.51." + std::to_string(i / 256) + "." + std::to_string(i % 256);
  }
  record += " ip4:192.0.2.0/24 -all";
  std::vector<std::string> strings;
  for (std::size_t i = 0; i < record.size(); i += 255) strings.push_back(record.substr(i, 255));
  zone.add_txt("example.com", strings);
  auto r = check("192.0.2.7", "user@example.com");
  EXPECT_EQ(r.verdict, SpfVerdict::pass) << r.problem;
  EXPECT_EQ(r.mechanism, "ip4:192.0.2.0/24");
}

TEST_F(SpfEvaluator, AnswersFromACacheGiveTheSameResultAsWaitedForOnes) {
  zone.add_txt("example.com", {"v=spf1 include:_spf.example.com mx -all"});
  zone.add_txt("_spf.example.com", {"v=spf1 ip4:203.0.113.0/24 ~all"});
  zone.add_mx("example.com", 10, "mx1.example.com");
  zone.add_mx("example.com", 20, "mx2.example.com");
  zone.add_address("mx1.example.com", ip("198.51.100.1"));
  zone.add_address("mx2.example.com", ip("198.51.100.2"));
  SlowResolver slow(zone, 1ms);
  dns::CachingResolver cache(slow);
  // First round: every answer waited for; second: every answer at hand (answer_now).
  auto waited = check(cache, "198.51.100.2", "user@example.com");
  const auto upstream = cache.misses();
  auto at_hand = check(cache, "198.51.100.2", "user@example.com");
  EXPECT_EQ(cache.misses(), upstream);
  EXPECT_EQ(waited.verdict, SpfVerdict::pass);
  EXPECT_EQ(at_hand.verdict, waited.verdict);
  EXPECT_EQ(at_hand.mechanism, "mx");
  EXPECT_EQ(at_hand.dns_lookups, waited.dns_lookups);
  EXPECT_EQ(at_hand.dns_queries, waited.dns_queries);
  EXPECT_EQ(at_hand.dns_queries, 5);
  // Half cached: a new policy waited for, the names it shares with the first from the cache.
  zone.add_txt("example.net", {"v=spf1 include:_spf.example.com mx:example.com a -all"});
  zone.add_address("example.net", ip("192.0.2.50"));
  auto fail = check(cache, "192.0.2.1", "user@example.net");
  EXPECT_EQ(fail.verdict, SpfVerdict::fail);
  EXPECT_EQ(fail.dns_queries, 6);
  EXPECT_EQ(cache.misses(), upstream + 2);  // example.net's TXT and A
}

TEST_F(SpfEvaluator, ParsedRecordsFollowTheAnswerNotItsAddress) {
  // Two zones with different policies at the same name, checked in turn: the parse cache
  // must never hand one zone's record to the other.
  dns::ZoneResolver other;
  zone.add_txt("example.com", {"v=spf1 ip4:192.0.2.0/24 -all"});
  other.add_txt("example.com", {"v=spf1 ip4:198.51.100.0/24 -all"});
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(check(zone, "192.0.2.7", "user@example.com").verdict, SpfVerdict::pass);
    EXPECT_EQ(check(other, "192.0.2.7", "user@example.com").verdict, SpfVerdict::fail);
  }
  zone.add_txt("example.com", {"unrelated text"});  // a new answer for the same name
  EXPECT_EQ(check(zone, "192.0.2.7", "user@example.com").verdict, SpfVerdict::pass);
}

TEST_F(SpfEvaluator, IncludeLoopEndsInPermerror) {
  zone.add_txt("a.example", {"v=spf1 include:b.example -all"});
  zone.add_txt("b.example", {"v=spf1 include:a.example -all"});
  SpfOptions options;
  options.max_dns_terms = 1000;  // only the depth backstop can stop this one
  auto r = check("192.0.2.7", "user@a.example", options);
  EXPECT_EQ(r.verdict, SpfVerdict::permerror);
  EXPECT_NE(r.problem.find("nested"), std::string::npos) << r.problem;
}

// A target whose macro value ends in a dot ends in two: an empty label, so no valid name
// (4.3), whichever term it is in. Stripping one dot made "x.example." out of it, a valid name.
TEST_F(SpfEvaluator, MacroTargetWithTwoTrailingDotsIsNoName) {
  zone.add_txt("x.example", {"v=spf1 +all"});
  zone.add_address("x.example", ip("192.0.2.7"));
  zone.add_txt("inc.example", {"v=spf1 include:%{l} -all"});
  zone.add_txt("red.example", {"v=spf1 redirect=%{l}"});
  zone.add_txt("a.example", {"v=spf1 a:%{l} -all"});
  EXPECT_EQ(check("192.0.2.7", "x.example..@inc.example").verdict, SpfVerdict::permerror);
  EXPECT_EQ(check("192.0.2.7", "x.example..@red.example").verdict, SpfVerdict::permerror);
  EXPECT_EQ(check("192.0.2.7", "x.example..@a.example").verdict, SpfVerdict::fail);
  // One trailing dot is an absolute name, as before.
  EXPECT_EQ(check("192.0.2.7", "x.example.@inc.example").verdict, SpfVerdict::pass);
  EXPECT_EQ(check("192.0.2.7", "x.example.@a.example").verdict, SpfVerdict::pass);
}

TEST_F(SpfEvaluator, HeloIdentity) {
  zone.add_txt("mail.example.org", {"v=spf1 a -all"});
  zone.add_address("mail.example.org", ip("192.0.2.9"));
  SpfRequest request;
  request.client_ip = ip("192.0.2.9");
  request.helo = "mail.example.org";
  request.mail_from = "someone@elsewhere.example";
  request.identity = SpfIdentity::helo;
  auto r = dns::run_sync(io, check_host(zone, request));
  EXPECT_EQ(r.verdict, SpfVerdict::pass);
  EXPECT_EQ(r.identity, SpfIdentity::helo);
  EXPECT_EQ(r.sender, "postmaster@mail.example.org");
  request.helo = "localhost";  // not an FQDN: none, no lookup
  zone.clear_query_log();
  auto none = dns::run_sync(io, check_host(zone, request));
  EXPECT_EQ(none.verdict, SpfVerdict::none);
  EXPECT_FALSE(none.problem.empty());
  EXPECT_EQ(zone.query_count(), 0u);
}

TEST_F(SpfEvaluator, NullSenderChecksPostmasterAtHelo) {
  zone.add_txt("mail.example.org", {"v=spf1 -all exp=why.example.org"});
  zone.add_txt("why.example.org", {"%{s} via %{h}"});
  auto r = check("192.0.2.9", "");
  EXPECT_EQ(r.verdict, SpfVerdict::fail);
  EXPECT_EQ(r.sender, "postmaster@mail.example.org");
  EXPECT_EQ(r.explanation, "postmaster@mail.example.org via mail.example.org");
}

// %{t} is read from the clock only for a string that uses it, and then it is the time now.
TEST_F(SpfEvaluator, ExplanationTimeIsNow) {
  zone.add_txt("example.com", {"v=spf1 -all exp=why.example.com"});
  zone.add_txt("why.example.com", {"%{t}"});
  const auto before = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  auto r = check("192.0.2.9", "user@example.com");
  EXPECT_EQ(r.verdict, SpfVerdict::fail);
  ASSERT_FALSE(r.explanation.empty());
  const long long t = std::stoll(r.explanation);
  EXPECT_GE(t, before);
  EXPECT_LE(t, before + 60);
}

TEST_F(SpfEvaluator, Ipv4MappedClientIsTreatedAsIpv4) {
  zone.add_txt("example.com", {"v=spf1 ip4:192.0.2.0/24 -all"});
  auto r = check("::ffff:192.0.2.7", "user@example.com");
  EXPECT_EQ(r.verdict, SpfVerdict::pass);
  EXPECT_EQ(r.client_ip.to_string(), "192.0.2.7");
}

TEST_F(SpfEvaluator, RecordCacheGivesTheSameResults) {
  zone.add_txt("good.example", {"v=spf1 ip4:192.0.2.0/24 -all"});
  zone.add_txt("bad.example", {"v=spf1 ip4:192.0.2.0/24 moo -all"});
  SpfOptions uncached;
  uncached.cache_records = false;
  for (int round = 0; round < 3; ++round) {
    for (const SpfOptions& options : {SpfOptions{}, uncached}) {
      EXPECT_EQ(check("192.0.2.7", "u@good.example", options).verdict, SpfVerdict::pass);
      EXPECT_EQ(check("198.51.100.7", "u@good.example", options).verdict, SpfVerdict::fail);
      auto bad = check("192.0.2.7", "u@bad.example", options);
      EXPECT_EQ(bad.verdict, SpfVerdict::permerror);
      EXPECT_NE(bad.problem.find("moo"), std::string::npos) << bad.problem;
    }
  }
}

TEST(SpfIdentityRules, MailFrom) {
  auto t = mailfrom_identity("<user@Example.COM>", "helo.example");
  EXPECT_TRUE(t.checkable);
  EXPECT_EQ(t.domain, "Example.COM");
  EXPECT_EQ(t.sender, "user@Example.COM");
  auto nolocal = mailfrom_identity("@example.net", "helo.example");
  EXPECT_EQ(nolocal.sender, "postmaster@example.net");
  auto null = mailfrom_identity("<>", "helo.example");
  EXPECT_EQ(null.sender, "postmaster@helo.example");
  EXPECT_FALSE(mailfrom_identity("a@[192.0.2.1]", "h.example").checkable);
  EXPECT_FALSE(mailfrom_identity("a@example..com", "h.example").checkable);
  EXPECT_FALSE(mailfrom_identity("a@" + std::string(64, 'x') + ".example", "h").checkable);
  EXPECT_TRUE(mailfrom_identity("a@" + std::string(63, 'x') + ".example", "h").checkable);
  EXPECT_FALSE(mailfrom_identity("", "localhost").checkable);
}

// RFC 8616 4: an SMTPUTF8 envelope may write the domain in U-labels; SPF checks its A-labels.
TEST(SpfIdentityRules, InternationalisedDomainIsCheckedAsALabels) {
  auto t = mailfrom_identity(
      "<j\xc3\xb6rg@B\xc3\xbc"
      "cher.example>",
      "helo.example");
  EXPECT_TRUE(t.checkable) << t.why_not;
  EXPECT_EQ(t.domain, "xn--bcher-kva.example");
  EXPECT_EQ(t.sender, "j\xc3\xb6rg@xn--bcher-kva.example");
  EXPECT_EQ(helo_identity("m\xc3\xa4il.b\xc3\xbc"
                          "cher.example")
                .domain,
            "xn--mil-qla.xn--bcher-kva.example");
  auto bad = mailfrom_identity("a@\xe2\x98\x83.example", "helo.example");  // U+2603
  EXPECT_FALSE(bad.checkable);
  EXPECT_NE(bad.why_not.find("MAIL FROM domain \"\xe2\x98\x83.example\" is not a valid "
                             "internationalised domain name ("),
            std::string::npos)
      << bad.why_not;
}

TEST(SpfIdentityRules, Helo) {
  EXPECT_TRUE(helo_identity("mail.example.org").checkable);
  EXPECT_TRUE(helo_identity("mail.example.org.").checkable);
  EXPECT_FALSE(helo_identity("A2345678").checkable);
  EXPECT_FALSE(helo_identity("[192.0.2.1]").checkable);
  EXPECT_FALSE(helo_identity("").checkable);
  EXPECT_FALSE(helo_identity("JUMPIN' JUPITER").checkable);
}

// RFC 7208 6.2: the explanation must be US-ASCII. %{l}, %{s} and %{h} can bring an SMTPUTF8
// envelope's UTF-8, or a hostile HELO's CR LF, into text that ends up in an SMTP reply.
TEST_F(SpfEvaluator, ExplanationOutsidePrintableAsciiFallsBackToTheDefault) {
  zone.add_txt("example.com", {"v=spf1 -all exp=why.example.com"});
  zone.add_txt("why.example.com", {"Sender %{l} via %{h} is not allowed"});
  const std::string fallback = "192.0.2.9 is not one of example.com's designated mail servers.";
  auto plain = check("192.0.2.9", "jo@example.com");
  EXPECT_EQ(plain.verdict, SpfVerdict::fail);
  EXPECT_EQ(plain.explanation, "Sender jo via mail.example.org is not allowed");
  auto utf8 = check("192.0.2.9", "j\xc3\xb6rg@example.com");
  EXPECT_EQ(utf8.verdict, SpfVerdict::fail);
  EXPECT_EQ(utf8.explanation, fallback);
  SpfRequest request;
  request.client_ip = ip("192.0.2.9");
  request.helo = "mail.example.org\r\n250 OK";
  request.mail_from = "jo@example.com";
  auto crlf = dns::run_sync(io, check_host(zone, request));
  EXPECT_EQ(crlf.verdict, SpfVerdict::fail);
  EXPECT_EQ(crlf.explanation, fallback);
}

// RFC 8616 4: a term that expands a local part that is not ASCII (%{l}, %{s}, upper case too)
// matches nothing, and nothing is looked up for it; an ASCII local part is looked up as ever.
TEST_F(SpfEvaluator, LocalPartMacrosOfAUtf8LocalPartMatchNothing) {
  zone.add_txt("example.com", {"v=spf1 exists:%{l}._u.example.com include:%{L}._i.example.com "
                               "a:%{s}._s.example.com ip4:192.0.2.0/24 -all"});
  zone.add_txt("redirect.example.com", {"v=spf1 redirect=%{l}._r.example.com"});
  zone.add_txt("j\xc3\xb6rg._r.example.com", {"v=spf1 +all"});
  zone.add_address("j\xc3\xb6rg._u.example.com", ip("127.0.0.2"));
  zone.add_address("jo._u.example.com", ip("127.0.0.2"));
  zone.set_query_log_enabled(true);
  // Matched before: the exists: term found the name of the UTF-8 local part.
  auto utf8 = check("198.51.100.7", "j\xc3\xb6rg@example.com");
  EXPECT_EQ(utf8.verdict, SpfVerdict::fail);
  EXPECT_EQ(utf8.mechanism, "-all");
  for (const auto& [name, type] : zone.query_log()) {
    EXPECT_EQ(name.find("j\xc3\xb6rg"), std::string::npos) << name;
  }
  EXPECT_EQ(utf8.dns_lookups, 3);  // the terms still count towards the limit of 10
  EXPECT_EQ(check("192.0.2.7", "j\xc3\xb6rg@example.com").verdict, SpfVerdict::pass);
  EXPECT_EQ(check("198.51.100.7", "jo@example.com").verdict, SpfVerdict::pass);
  // A redirect= that would expand it applies no record: the result is the default, neutral.
  auto redirected = check("198.51.100.7", "j\xc3\xb6rg@redirect.example.com");
  EXPECT_EQ(redirected.verdict, SpfVerdict::neutral);
  EXPECT_NE(redirected.problem.find("matches nothing (RFC 8616 4)"), std::string::npos)
      << redirected.problem;
}

// RFC 7208 4.3: names go to DNS as A-labels, %{h} included, so a HELO in U-labels gives the
// same result as its A-labels.
TEST_F(SpfEvaluator, HeloMacroExpandsToALabels) {
  zone.add_txt("example.com", {"v=spf1 exists:%{h}._h.example.com -all exp=why.example.com"});
  zone.add_txt("why.example.com", {"not via %{h}"});
  zone.add_address("mail.xn--bcher-kva.example._h.example.com", ip("127.0.0.2"));
  SpfRequest request;
  request.mail_from = "jo@example.com";
  for (const char* helo : {"mail.b\xc3\xbc"
                           "cher.example",
                           "mail.xn--bcher-kva.example", "mail.xn--bcher-kva.example."}) {
    request.helo = helo;
    request.client_ip = ip("192.0.2.9");
    EXPECT_EQ(dns::run_sync(io, check_host(zone, request)).verdict, SpfVerdict::pass) << helo;
    request.helo = std::string("other.") + helo;
    auto fail = dns::run_sync(io, check_host(zone, request));
    EXPECT_EQ(fail.verdict, SpfVerdict::fail) << helo;
    EXPECT_EQ(fail.explanation, "not via other.mail.xn--bcher-kva.example") << helo;
  }
  request.helo = "[192.0.2.1]";  // an address literal stays as sent
  EXPECT_EQ(dns::run_sync(io, check_host(zone, request)).explanation, "not via [192.0.2.1]");
}

// RFC 7208 4.3: one trailing dot may end a domain; a second is an empty label, so the name is
// malformed and the result is "none" (as pyspf has it), not a check of the name without dots.
TEST_F(SpfEvaluator, OnlyOneTrailingDotIsDropped) {
  zone.add_txt("example.com", {"v=spf1 ip4:192.0.2.9 -all"});
  EXPECT_EQ(check("192.0.2.9", "a@example.com.").verdict, SpfVerdict::pass);
  auto two = check("192.0.2.9", "a@example.com..");
  EXPECT_EQ(two.verdict, SpfVerdict::none);
  EXPECT_NE(two.problem.find("\"example.com..\" is not a fully qualified domain name"),
            std::string::npos)
      << two.problem;
  EXPECT_FALSE(mailfrom_identity("", "mail.example.org..").checkable);
  EXPECT_FALSE(helo_identity("mail.example.org..").checkable);
  EXPECT_TRUE(helo_identity("mail.example.org.").checkable);
  EXPECT_FALSE(is_checkable_domain("example.com.."));
  EXPECT_TRUE(is_checkable_domain("example.com."));
  zone.clear_query_log();
  auto direct = dns::run_sync(
      io, check_host(zone, ip("192.0.2.9"), "example.com..", "a@example.com..", "h.example"));
  EXPECT_EQ(direct.verdict, SpfVerdict::none);
  EXPECT_EQ(zone.query_count(), 0u);
  EXPECT_EQ(dns::run_sync(
                io, check_host(zone, ip("192.0.2.9"), "example.com.", "a@example.com", "h.example"))
                .verdict,
            SpfVerdict::pass);
}

// RFC 7208 5: a DNS error stops the mechanism with temperror. The MX hosts are looked up
// together, but judged in preference order as a sequential evaluator would: an error at a
// host before the one that matches is temperror; a match before the error is a match.
TEST_F(SpfEvaluator, MxHostsAreJudgedInPreferenceOrder) {
  zone.add_txt("a.example.com", {"v=spf1 mx -all"});
  // Added out of preference order: the answer's order is not the MX order.
  zone.add_mx("a.example.com", 20, "mx2.example.com");
  zone.add_mx("a.example.com", 10, "mx1.example.com");
  zone.add_txt("b.example.com", {"v=spf1 mx -all"});
  zone.add_mx("b.example.com", 20, "mx1.example.com");
  zone.add_mx("b.example.com", 10, "mx2.example.com");
  zone.inject_failure("mx1.example.com", dns::Status::timeout);
  zone.add_address("mx2.example.com", ip("192.0.2.9"));
  for (const SpfOptions& options : {SpfOptions{}, [] {
                                      SpfOptions o;
                                      o.count_mx_host_voids = true;
                                      return o;
                                    }()}) {
    auto error_first = check("192.0.2.9", "u@a.example.com", options);
    EXPECT_EQ(error_first.verdict, SpfVerdict::temperror);
    EXPECT_NE(error_first.problem.find("mx1.example.com"), std::string::npos)
        << error_first.problem;
    auto match_first = check("192.0.2.9", "u@b.example.com", options);
    EXPECT_EQ(match_first.verdict, SpfVerdict::pass) << match_first.problem;
    EXPECT_EQ(check("192.0.2.10", "u@b.example.com", options).verdict, SpfVerdict::temperror);
  }
}

}  // namespace
}  // namespace senderauth::spf
