// ZoneResolver's answers: NXDOMAIN vs NODATA, empty non-terminals, CNAME chains and loops,
// injected failures, the query log, and the programmatic add_* API.
#include <gtest/gtest.h>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <string>
#include <vector>

#include "senderauth/dns/run_sync.hpp"
#include "senderauth/dns/zone_resolver.hpp"

namespace senderauth::dns {
namespace {

IpAddress ip(const char* text) {
  return IpAddress::parse(text).value();
}

TEST(ZoneSemantics, NxdomainVersusNodata) {
  ZoneResolver zone;
  zone.add_address("host.example.test", ip("192.0.2.1"));
  EXPECT_EQ(zone.lookup("host.example.test", RecordType::A).status, Status::ok);
  EXPECT_EQ(zone.lookup("host.example.test", RecordType::TXT).status, Status::nodata);
  EXPECT_EQ(zone.lookup("other.example.test", RecordType::A).status, Status::nxdomain);
  // Below an existing name is still NXDOMAIN.
  EXPECT_EQ(zone.lookup("x.host.example.test", RecordType::A).status, Status::nxdomain);
}

TEST(ZoneSemantics, EmptyNonTerminalExists) {
  ZoneResolver zone;
  zone.add_txt("sel._domainkey.example.test", {"v=DKIM1; p="});
  EXPECT_EQ(zone.lookup("_domainkey.example.test", RecordType::TXT).status, Status::nodata);
  EXPECT_EQ(zone.lookup("example.test", RecordType::A).status, Status::nodata);
  EXPECT_EQ(zone.lookup("test", RecordType::A).status, Status::nodata);
  EXPECT_EQ(zone.lookup("other._domainkey.example.test", RecordType::TXT).status, Status::nxdomain);
}

TEST(ZoneSemantics, EmptyNameAdded) {
  ZoneResolver zone;
  zone.add_empty_name("Empty.Example.Test.");
  EXPECT_EQ(zone.lookup("empty.example.test", RecordType::TXT).status, Status::nodata);
  EXPECT_EQ(zone.lookup("empty.example.test", RecordType::A).status, Status::nodata);
}

TEST(ZoneSemantics, NamesCaseInsensitiveAndTrailingDot) {
  ZoneResolver zone;
  zone.add_txt("MiXeD.Example.TEST.", {"x"});
  auto answer = zone.lookup("mixed.EXAMPLE.test.", RecordType::TXT);
  ASSERT_EQ(answer.status, Status::ok);
  EXPECT_EQ(answer.name, "mixed.example.test");
  EXPECT_EQ(answer.type, RecordType::TXT);
  EXPECT_EQ(answer.dnssec, DnssecState::indeterminate);
}

// A name no DNS can hold does not exist: NXDOMAIN, never the temporary failure a retry might
// mend (a sender picks such names: `_dmarc.` before a 250-octet author domain, a selector).
TEST(ZoneSemantics, NamesThatCannotExistAreNxdomain) {
  ZoneResolver zone;
  auto loaded = zone.load_zone_text("*.example.test. 300 IN A 192.0.2.1\n");
  ASSERT_TRUE(loaded.ok()) << loaded.reason();
  auto empty_label = zone.lookup("a..example.test", RecordType::A);
  EXPECT_EQ(empty_label.status, Status::nxdomain);
  EXPECT_NE(empty_label.error_text.find("empty label"), std::string::npos);
  auto long_label = zone.lookup(std::string(64, 'a') + ".example.test", RecordType::A);
  EXPECT_EQ(long_label.status, Status::nxdomain);
  EXPECT_FALSE(long_label.temporary_failure());
  EXPECT_NE(long_label.error_text.find("label longer than 63 octets"), std::string::npos);
  // 253 octets fit (the wildcard answers); 254 do not, with or without a trailing dot.
  const std::string label63(63, 'a');
  const std::string at_limit =
      std::string(48, 'd') + "." + label63 + "." + label63 + "." + label63 + ".example.test";
  ASSERT_EQ(at_limit.size(), 253u);
  EXPECT_EQ(zone.lookup(at_limit, RecordType::A).status, Status::ok);
  EXPECT_EQ(zone.lookup(at_limit + ".", RecordType::A).status, Status::ok);
  EXPECT_EQ(zone.lookup("e" + at_limit, RecordType::A).status, Status::nxdomain);
  EXPECT_EQ(zone.lookup("e" + at_limit + ".", RecordType::A).status, Status::nxdomain);
}

TEST(ZoneSemantics, CnameChainFollowed) {
  auto zone = ZoneResolver();
  ASSERT_TRUE(zone.load_zone_text(R"(
a CNAME b
b 100 CNAME c.example.net.
)",
                                  "example.test")
                  .ok());
  zone.add_address("c.example.net", ip("192.0.2.7"), 500);
  auto answer = zone.lookup("A.example.test", RecordType::A);
  ASSERT_EQ(answer.status, Status::ok) << answer.error_text;
  EXPECT_EQ(answer.name, "a.example.test");
  EXPECT_EQ(answer.cname_chain, (std::vector<std::string>{"b.example.test", "c.example.net"}));
  ASSERT_EQ(answer.addresses.size(), 1u);
  EXPECT_EQ(answer.ttl, 100u);  // smallest TTL along the chain
  // The CNAME itself when asked for.
  auto cname = zone.lookup("a.example.test", RecordType::CNAME);
  EXPECT_EQ(cname.names, (std::vector<std::string>{"b.example.test"}));
  EXPECT_TRUE(cname.cname_chain.empty());
}

TEST(ZoneSemantics, CnameToMissingNameOrType) {
  ZoneResolver zone;
  zone.add_cname("dangling.example.test", "gone.example.test");
  zone.add_cname("typed.example.test", "host.example.test");
  zone.add_address("host.example.test", ip("192.0.2.1"));
  auto dangling = zone.lookup("dangling.example.test", RecordType::A);
  EXPECT_EQ(dangling.status, Status::nxdomain);
  EXPECT_EQ(dangling.cname_chain, (std::vector<std::string>{"gone.example.test"}));
  auto typed = zone.lookup("typed.example.test", RecordType::MX);
  EXPECT_EQ(typed.status, Status::nodata);
  EXPECT_EQ(typed.cname_chain, (std::vector<std::string>{"host.example.test"}));
}

TEST(ZoneSemantics, CnameLoopIsServfail) {
  ZoneResolver zone;
  zone.add_cname("self.example.test", "SELF.example.test.");
  zone.add_cname("x.example.test", "y.example.test");
  zone.add_cname("y.example.test", "x.example.test");
  auto self = zone.lookup("self.example.test", RecordType::A);
  EXPECT_EQ(self.status, Status::servfail);
  EXPECT_NE(self.error_text.find("CNAME loop"), std::string::npos);
  auto pair = zone.lookup("x.example.test", RecordType::TXT);
  EXPECT_EQ(pair.status, Status::servfail);
  EXPECT_EQ(pair.cname_chain, (std::vector<std::string>{"y.example.test", "x.example.test"}));
}

TEST(ZoneSemantics, CnameChainLengthLimit) {
  ZoneResolver zone;
  for (int i = 0; i < 16; ++i) {
    zone.add_cname("c" + std::to_string(i) + ".example.test",
                   "c" + std::to_string(i + 1) + ".example.test");
  }
  zone.add_address("c16.example.test", ip("192.0.2.1"));
  EXPECT_EQ(zone.lookup("c0.example.test", RecordType::A).status, Status::ok);  // 16 hops
  zone.add_cname("c-1.example.test", "c0.example.test");
  auto too_long = zone.lookup("c-1.example.test", RecordType::A);  // 17 hops
  EXPECT_EQ(too_long.status, Status::servfail);
  EXPECT_NE(too_long.error_text.find("longer than 16"), std::string::npos);
}

TEST(ZoneSemantics, InjectedFailureAllTypes) {
  ZoneResolver zone;
  zone.add_txt("flaky.example.test", {"v=spf1 -all"});
  zone.inject_failure("Flaky.example.test.", Status::servfail);
  zone.inject_failure("slow.example.test", Status::timeout);
  auto flaky = zone.lookup("flaky.example.test", RecordType::TXT);
  EXPECT_EQ(flaky.status, Status::servfail);
  EXPECT_TRUE(flaky.temporary_failure());
  EXPECT_TRUE(flaky.txt.empty());
  // A name with no records at all can fail too.
  EXPECT_EQ(zone.lookup("slow.example.test", RecordType::A).status, Status::timeout);
  zone.inject_failure("err.example.test", Status::error);
  EXPECT_EQ(zone.lookup("err.example.test", RecordType::MX).status, Status::error);
}

TEST(ZoneSemantics, InjectedFailureOnlyTypesWithoutRecords) {
  ZoneResolver zone;
  zone.add_txt("partial.example.test", {"v=spf1 -all"});
  zone.inject_failure("partial.example.test", Status::timeout, FailureScope::types_without_records);
  EXPECT_EQ(zone.lookup("partial.example.test", RecordType::TXT).status, Status::ok);
  EXPECT_EQ(zone.lookup("partial.example.test", RecordType::SPF).status, Status::timeout);
}

TEST(ZoneSemantics, FailureReachedThroughCname) {
  ZoneResolver zone;
  zone.add_cname("alias.example.test", "broken.example.test");
  zone.inject_failure("broken.example.test", Status::servfail);
  auto answer = zone.lookup("alias.example.test", RecordType::A);
  EXPECT_EQ(answer.status, Status::servfail);
  EXPECT_EQ(answer.cname_chain, (std::vector<std::string>{"broken.example.test"}));
}

TEST(ZoneSemantics, NegativeTtlFromEnclosingSoa) {
  ZoneResolver zone;
  ASSERT_TRUE(
      zone.load_zone_text("@ 900 SOA ns hostmaster 1 2 3 4 120\nwww A 192.0.2.1\n", "example.test")
          .ok());
  EXPECT_EQ(zone.lookup("nothere.example.test", RecordType::A).ttl, 120u);
  EXPECT_EQ(zone.lookup("www.example.test", RecordType::TXT).ttl, 120u);
  zone.add_txt("elsewhere.example.net", {"x"});
  EXPECT_EQ(zone.lookup("elsewhere.example.net", RecordType::A).ttl, 0u);
}

TEST(ZoneSemantics, AddApiRecordTypes) {
  ZoneResolver zone;
  zone.add_address("h.example.test", ip("192.0.2.1"), 60);
  zone.add_address("h.example.test", ip("2001:db8::5"));
  zone.add_mx("example.test", 10, "H.example.test.");
  zone.add_ptr("1.2.0.192.in-addr.arpa", "h.example.test");
  zone.add_ns("example.test", "ns.example.test");
  zone.add_caa("example.test", CaaRecord{0, "issue", "ca.example"});
  zone.add_txt("example.test", {"a", "b"});
  auto a = zone.lookup("h.example.test", RecordType::A);
  ASSERT_EQ(a.addresses.size(), 1u);
  EXPECT_EQ(a.ttl, 60u);
  EXPECT_EQ(zone.lookup("h.example.test", RecordType::AAAA).addresses[0].to_string(),
            "2001:db8::5");
  EXPECT_EQ(zone.lookup("example.test", RecordType::MX).mx[0].exchange, "h.example.test");
  EXPECT_EQ(zone.lookup(ip("192.0.2.1").reverse_name(), RecordType::PTR).names,
            (std::vector<std::string>{"h.example.test"}));
  EXPECT_EQ(zone.lookup("example.test", RecordType::NS).names,
            (std::vector<std::string>{"ns.example.test"}));
  EXPECT_EQ(zone.lookup("example.test", RecordType::CAA).caa[0].value, "ca.example");
  EXPECT_EQ(zone.lookup("example.test", RecordType::TXT).joined_txt(),
            (std::vector<std::string>{"ab"}));
}

TEST(ZoneSemantics, DuplicateRecordsServedOnce) {
  // RFC 2181 5: an RRset is a set, as nsd serves it. (The SPF suite's multispf1, two
  // identical records, accepts fail as well as permerror for that reason.) The lower TTL wins.
  ZoneResolver zone;
  zone.add_txt("dup.example.test", {"v=spf1 -all"}, 300);
  zone.add_txt("dup.example.test", {"v=spf1 -all"}, 60);
  zone.add_txt("dup.example.test", {"v=spf1", " -all"});  // other strings: another record
  auto answer = zone.lookup("dup.example.test", RecordType::TXT);
  EXPECT_EQ(answer.txt.size(), 2u);
  EXPECT_EQ(answer.ttl, 60u);
}

TEST(ZoneSemantics, QueryLogCountsAsyncQueries) {
  ZoneResolver zone;
  zone.add_txt("example.test", {"x"});
  asio::io_context io;
  auto first = run_sync(io, zone.query("Example.Test.", RecordType::TXT));
  EXPECT_EQ(first.status, Status::ok);
  // Two queries in flight on one loop.
  std::vector<Answer> answers(2);
  asio::co_spawn(io, zone.query("a.example.test", RecordType::A),
                 [&](std::exception_ptr, Answer a) { answers[0] = std::move(a); });
  asio::co_spawn(io, zone.query("example.test", RecordType::MX),
                 [&](std::exception_ptr, Answer a) { answers[1] = std::move(a); });
  io.restart();
  io.run();
  EXPECT_EQ(answers[0].status, Status::nxdomain);
  EXPECT_EQ(answers[1].status, Status::nodata);
  EXPECT_EQ(zone.query_count(), 3u);
  EXPECT_EQ(zone.query_log()[0],
            (std::pair<std::string, RecordType>{"example.test", RecordType::TXT}));
  // lookup() is the synchronous form and is not logged.
  (void)zone.lookup("example.test", RecordType::TXT);
  EXPECT_EQ(zone.query_count(), 3u);
  zone.clear_query_log();
  EXPECT_EQ(zone.query_count(), 0u);
}

TEST(ZoneSemantics, AnswerNowMatchesQueryAndIsLogged) {
  ZoneResolver zone;
  zone.add_txt("example.test", {"v=spf1", " -all"});
  asio::io_context io;
  auto now = zone.answer_now("Example.TEST.", RecordType::TXT);
  ASSERT_NE(now, nullptr);
  auto queried = run_sync(io, zone.query("example.test", RecordType::TXT));
  EXPECT_EQ(now->status, Status::ok);
  EXPECT_EQ(now->name, "example.test");
  EXPECT_EQ(now->txt, queried.txt);
  EXPECT_EQ(now->ttl, queried.ttl);
  EXPECT_EQ(zone.answer_now("nope.example.test", RecordType::A)->status, Status::nxdomain);
  EXPECT_EQ(zone.answer_now("bad..example.test", RecordType::A)->status, Status::nxdomain);
  EXPECT_EQ(zone.query_count(), 4u);
  EXPECT_EQ(zone.query_log()[0],
            (std::pair<std::string, RecordType>{"example.test", RecordType::TXT}));
}

TEST(ZoneSemantics, AnswerNowSeesEveryChangeToTheZone) {
  ZoneResolver zone;
  EXPECT_EQ(zone.answer_now("example.test", RecordType::A)->status, Status::nxdomain);
  zone.add_address("example.test", ip("192.0.2.1"));
  auto one = zone.answer_now("example.test", RecordType::A);
  ASSERT_EQ(one->addresses.size(), 1u);
  // The same unchanged answer is shared, not rebuilt.
  EXPECT_EQ(zone.answer_now("EXAMPLE.test", RecordType::A), one);
  zone.add_address("example.test", ip("192.0.2.2"));
  EXPECT_EQ(zone.answer_now("example.test", RecordType::A)->addresses.size(), 2u);
  EXPECT_EQ(one->addresses.size(), 1u);  // an answer already handed out never changes
  zone.inject_failure("example.test", Status::servfail);
  EXPECT_EQ(zone.answer_now("example.test", RecordType::A)->status, Status::servfail);
  ASSERT_TRUE(zone.load_zone_text("other.test. 300 IN A 192.0.2.9\n"));
  EXPECT_EQ(zone.answer_now("other.test", RecordType::A)->status, Status::ok);
}

TEST(ZoneSemantics, QueryLogCanBeTurnedOff) {
  ZoneResolver zone;
  zone.add_txt("example.test", {"x"});
  zone.set_query_log_enabled(false);
  asio::io_context io;
  EXPECT_EQ(run_sync(io, zone.query("example.test", RecordType::TXT)).status, Status::ok);
  EXPECT_EQ(zone.answer_now("example.test", RecordType::TXT)->status, Status::ok);
  EXPECT_EQ(zone.query_count(), 0u);
  zone.set_query_log_enabled(true);
  (void)zone.answer_now("example.test", RecordType::TXT);
  EXPECT_EQ(zone.query_count(), 1u);
}

TEST(ZoneSemantics, MovedResolverKeepsData) {
  ZoneResolver zone;
  zone.add_txt("example.test", {"x"});
  ZoneResolver moved(std::move(zone));
  EXPECT_EQ(moved.lookup("example.test", RecordType::TXT).status, Status::ok);
  ZoneResolver assigned;
  assigned = std::move(moved);
  EXPECT_EQ(assigned.lookup("example.test", RecordType::TXT).status, Status::ok);
}

}  // namespace
}  // namespace senderauth::dns
