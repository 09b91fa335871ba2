// HELO checks: syntax (RFC 5321 4.1.1.1 / 4.1.3), loop detection (the only finding that may
// lead to a rejection), and the address comparison, which is recorded and never a rejection
// (RFC 5321 4.1.4).
#include <gtest/gtest.h>

#include <asio/io_context.hpp>
#include <string>

#include "senderauth/dns/run_sync.hpp"
#include "senderauth/dns/zone_resolver.hpp"
#include "senderauth/iprev/helo.hpp"

namespace senderauth::iprev {
namespace {

IpAddress ip(std::string_view text) {
  return IpAddress::parse(text).value();
}

const IpAddress kClient = ip("192.0.2.1");

HeloOptions our_server() {
  HeloOptions o;
  o.own_names = {"mx.receiver.example", "receiver.example"};
  o.own_addresses = {ip("198.51.100.25"), ip("2001:db8:25::25")};
  return o;
}

HeloResult run(dns::Resolver& resolver, std::string_view helo, const IpAddress& client,
               const HeloOptions& options = our_server()) {
  asio::io_context io;
  return dns::run_sync(io, check_helo(resolver, helo, client, options));
}

TEST(HeloSyntax, Forms) {
  struct Case {
    std::string helo;
    HeloSyntax syntax;
  };
  const Case cases[] = {
      {"mail.example.test", HeloSyntax::fqdn},
      {"MAIL.Example.TEST.", HeloSyntax::fqdn},
      {"mycomputer", HeloSyntax::single_label},
      {"[192.0.2.1]", HeloSyntax::address_literal},
      {"[IPv6:2001:db8::1]", HeloSyntax::address_literal},
      {"[ipv6:2001:db8::1]", HeloSyntax::address_literal},
      {"[IPv6:::ffff:192.0.2.1]", HeloSyntax::address_literal},
      {"[2001:db8::1]", HeloSyntax::invalid},
      {"[IPv6:192.0.2.1]", HeloSyntax::invalid},
      {"[192.0.2.1", HeloSyntax::invalid},
      {"[]", HeloSyntax::invalid},
      {"[x-tag:something]", HeloSyntax::invalid},
      {"[192.0.2.256]", HeloSyntax::invalid},
      {"192.0.2.1", HeloSyntax::invalid},
      {"", HeloSyntax::invalid},
      {"a..example.test", HeloSyntax::invalid},
      {"exa mple.test", HeloSyntax::invalid},
      {"under_score.example.test", HeloSyntax::invalid},
      {"-bad.example.test", HeloSyntax::invalid},
      {"mail.example.test\r\nRCPT TO:<x@example.test>", HeloSyntax::invalid},
      {std::string(63, 'a') + "." + std::string(63, 'b') + "." + std::string(63, 'c') + "." +
           std::string(61, 'd'),
       HeloSyntax::fqdn},
      {std::string(300, 'a'), HeloSyntax::invalid},
  };
  for (const auto& c : cases) {
    HeloResult r = examine_helo(c.helo, kClient);
    EXPECT_EQ(r.syntax, c.syntax) << c.helo << ": " << to_string(r.syntax) << " " << r.problem;
    EXPECT_EQ(r.syntax == HeloSyntax::invalid, !r.problem.empty()) << c.helo;
    EXPECT_FALSE(r.reject_recommended()) << "syntax alone never rejects: " << c.helo;
  }
  EXPECT_EQ(examine_helo("MAIL.Example.TEST.", kClient).name, "mail.example.test");
  EXPECT_EQ(examine_helo("[IPv6:::ffff:192.0.2.1]", kClient).literal, ip("::ffff:192.0.2.1"));
  HeloResult bare = examine_helo("192.0.2.1", kClient);
  EXPECT_EQ(bare.literal, kClient);
  EXPECT_NE(bare.problem.find("[192.0.2.1]"), std::string::npos) << bare.problem;
  EXPECT_EQ(examine_helo(std::string(300, 'a'), kClient).helo.size(), kMaxHeloLength + 1);
}

// RFC 6531 3.3: an SMTPUTF8 client may name itself in U-labels. The name is checked, looked up
// and compared as its A-labels (RFC 8616 4), as SPF's HELO identity is.
TEST(HeloSyntax, ULabelsAreADomainInTheirALabels) {
  HeloResult r = examine_helo(
      "mail.b\xC3\xBC"
      "cher.example",
      kClient);
  EXPECT_EQ(r.syntax, HeloSyntax::fqdn) << r.problem;
  EXPECT_EQ(r.name, "mail.xn--bcher-kva.example");
  EXPECT_EQ(r.helo,
            "mail.b\xC3\xBC"
            "cher.example");  // as sent
  HeloResult bad = examine_helo(
      "mail.b\xC3\xBC\xFF"
      "cher.example",
      kClient);  // not UTF-8
  EXPECT_EQ(bad.syntax, HeloSyntax::invalid);
  EXPECT_NE(bad.problem.find("internationalised"), std::string::npos) << bad.problem;

  dns::ZoneResolver zone;
  zone.add_address("mail.xn--bcher-kva.example", kClient);
  EXPECT_EQ(run(zone,
                "mail.b\xC3\xBC"
                "cher.example",
                kClient)
                .match,
            HeloAddressMatch::match);
  HeloOptions ours = our_server();
  ours.own_names.push_back("mx.xn--bcher-kva.example");
  EXPECT_TRUE(examine_helo("MX.B\xC3\xBC"
                           "cher.example",
                           kClient, ours)
                  .loop);
}

// An own name given in U-labels is compared as its A-labels, as the HELO is: the same name
// sent either way is a loop. One that cannot be converted matches nothing.
TEST(HeloLoop, OwnNameInULabelsMatchesEitherForm) {
  HeloOptions ours = our_server();
  ours.own_names.push_back(
      "B\xC3\xBC"
      "cher.example");
  ours.own_names.push_back("\xFF.example");  // not UTF-8
  for (const char* helo : {"b\xC3\xBC"
                           "cher.example",
                           "xn--bcher-kva.example", "XN--BCHER-KVA.EXAMPLE."}) {
    HeloResult r = examine_helo(helo, kClient, ours);
    EXPECT_TRUE(r.loop) << helo;
    EXPECT_EQ(r.loop_reason, "HELO xn--bcher-kva.example is our own name") << helo;
  }
  EXPECT_FALSE(examine_helo("mail.xn--bcher-kva.example", kClient, ours).loop);
  EXPECT_FALSE(examine_helo("example", kClient, ours).loop);
}

TEST(HeloLoop, OurNamesAndAddressesAndLocalhost) {
  const HeloOptions o = our_server();
  const char* loops[] = {"mx.receiver.example",
                         "MX.RECEIVER.EXAMPLE.",
                         "receiver.example",
                         "[198.51.100.25]",
                         "198.51.100.25",
                         "[IPv6:2001:db8:25::25]",
                         "[IPv6:::ffff:198.51.100.25]",
                         "localhost",
                         "LOCALHOST.",
                         "foo.localhost",
                         "[127.0.0.1]",
                         "[IPv6:::1]"};
  for (const char* helo : loops) {
    HeloResult r = examine_helo(helo, kClient, o);
    EXPECT_TRUE(r.loop) << helo;
    EXPECT_TRUE(r.reject_recommended()) << helo;
    EXPECT_FALSE(r.loop_reason.empty()) << helo;
  }
  const char* not_loops[] = {"sub.mx.receiver.example", "receiver.example.test", "[198.51.100.26]",
                             "localhost.example.test", "mail.example.test"};
  for (const char* helo : not_loops) EXPECT_FALSE(examine_helo(helo, kClient, o).loop) << helo;
}

// An IPv6 address in brackets without the "IPv6:" tag is invalid syntax (RFC 5321 4.1.3), but
// it names that address, as the same address sent without brackets does: it counts for the
// loop check ([2001:db8:25::25] is ours, [::1] from a remote client is loopback).
TEST(HeloLoop, UntaggedIPv6LiteralStillNamesItsAddress) {
  const HeloOptions o = our_server();
  for (const char* helo : {"[2001:db8:25::25]", "[2001:DB8:25:0:0:0:0:25]", "[::1]",
                           "[::ffff:198.51.100.25]", "[::ffff:127.0.0.1]"}) {
    HeloResult r = examine_helo(helo, kClient, o);
    EXPECT_EQ(r.syntax, HeloSyntax::invalid) << helo;
    EXPECT_NE(r.problem.find("needs the \"IPv6:\" tag, e.g. [IPv6:"), std::string::npos)
        << r.problem;
    EXPECT_TRUE(r.loop) << helo;
    EXPECT_TRUE(r.reject_recommended()) << helo;
  }
  HeloResult other = examine_helo("[2001:db8::99]", kClient, o);
  EXPECT_FALSE(other.loop);
  EXPECT_EQ(other.literal, ip("2001:db8::99"));
  EXPECT_EQ(other.problem,
            "an IPv6 address literal needs the \"IPv6:\" tag, e.g. [IPv6:2001:db8::99]");
  // From a loopback client "[::1]" is local, as "[IPv6:::1]" is.
  EXPECT_FALSE(examine_helo("[::1]", ip("::1"), o).loop);
}

// RFC 5321 4.1.3: Snum = 1*3DIGIT with a value up to 255, so an IPv4 literal may carry leading
// zeros. It is read as the address it names (normalised), for the address and loop checks alike.
TEST(HeloSyntax, IPv4LiteralWithLeadingZerosIsThatAddress) {
  HeloResult r = examine_helo("[192.000.002.001]", kClient);
  EXPECT_EQ(r.syntax, HeloSyntax::address_literal) << r.problem;
  EXPECT_EQ(r.literal, kClient);
  EXPECT_EQ(examine_helo("[010.0.0.01]", kClient).literal, ip("10.0.0.1"));
  for (const char* invalid : {"[192.0.2.0001]", "[192.0.2.256]", "[192.0.2]", "[192.0.2.1.5]",
                              "[192..2.1]", "[192.0.2.+1]", "[ 192.0.2.1]"}) {
    EXPECT_EQ(examine_helo(invalid, kClient).syntax, HeloSyntax::invalid) << invalid;
  }
  // Written bare, it is still invalid syntax but names the address.
  HeloResult bare = examine_helo("192.000.002.001", kClient);
  EXPECT_EQ(bare.syntax, HeloSyntax::invalid);
  EXPECT_EQ(bare.literal, kClient);

  const HeloOptions o = our_server();
  for (const char* loop : {"[127.000.000.001]", "[198.051.100.025]", "127.000.000.001"}) {
    HeloResult looped = examine_helo(loop, kClient, o);
    EXPECT_TRUE(looped.loop) << loop;
    EXPECT_FALSE(looped.loop_reason.empty()) << loop;
  }
}

// A loopback client is this host: a local script using Python's smtplib or PHPMailer says our
// own name, a content filter re-injecting says localhost. None of it is a loop, unless
// configured otherwise; a remote client saying any of it is.
TEST(HeloLoop, LoopbackClientIsUsUnlessConfigured) {
  HeloOptions o = our_server();
  for (const char* client : {"127.0.0.1", "::1", "::ffff:127.0.0.2"}) {
    for (const char* helo : {"localhost", "[127.0.0.1]", "mx.receiver.example", "[198.51.100.25]",
                             "MX.Receiver.Example."}) {
      EXPECT_FALSE(examine_helo(helo, ip(client), o).loop) << client << " " << helo;
      EXPECT_TRUE(examine_helo(helo, ip("203.0.113.9"), o).loop) << helo;
    }
  }
  o.loopback_client_is_us = false;
  EXPECT_TRUE(examine_helo("localhost", ip("127.0.0.1"), o).loop);
  EXPECT_TRUE(examine_helo("mx.receiver.example", ip("127.0.0.1"), o).loop);
}

TEST(HeloAddress, NameResolvingToTheClientMatches) {
  dns::ZoneResolver zone;
  zone.add_address("mail.example.test", kClient);
  zone.add_address("mail.example.test", ip("2001:db8::1"));
  HeloResult r = run(zone, "Mail.Example.Test", kClient);
  EXPECT_EQ(r.match, HeloAddressMatch::match);
  EXPECT_EQ(r.addresses.size(), 2u);
  EXPECT_EQ(r.dns_queries, 2);
  EXPECT_EQ(zone.query_count(), 2u);
  EXPECT_EQ(r.summary(), "helo=Mail.Example.Test: fqdn, matches the client address");
}

TEST(HeloAddress, IPv6AndMappedClients) {
  dns::ZoneResolver zone;
  zone.add_address("mail.example.test", kClient);
  zone.add_address("mx6.example.test", ip("2001:db8::25"));
  EXPECT_EQ(run(zone, "mail.example.test", ip("::ffff:192.0.2.1")).match, HeloAddressMatch::match);
  EXPECT_EQ(run(zone, "mx6.example.test", ip("2001:db8::25")).match, HeloAddressMatch::match);
}

TEST(HeloAddress, MismatchIsRecordedNeverRejected) {
  dns::ZoneResolver zone;
  zone.add_address("mail.example.test", ip("203.0.113.9"));
  HeloResult r = run(zone, "mail.example.test", kClient);
  EXPECT_EQ(r.match, HeloAddressMatch::mismatch);
  EXPECT_FALSE(r.reject_recommended());
  EXPECT_EQ(r.summary(), "helo=mail.example.test: fqdn, does not match the client address");

  HeloResult unknown = run(zone, "nowhere.example.test", kClient);
  EXPECT_EQ(unknown.match, HeloAddressMatch::no_address);
  EXPECT_FALSE(unknown.reject_recommended());
}

TEST(HeloAddress, TransientFailures) {
  dns::ZoneResolver zone;
  zone.inject_failure("flaky.example.test", dns::Status::servfail);
  EXPECT_EQ(run(zone, "flaky.example.test", kClient).match, HeloAddressMatch::temperror);
  // AAAA fails, but the client is IPv4 and A answered with other addresses: a mismatch.
  zone.add_address("half.example.test", ip("203.0.113.9"));
  zone.inject_failure("half.example.test", dns::Status::timeout,
                      dns::FailureScope::types_without_records);
  EXPECT_EQ(run(zone, "half.example.test", kClient).match, HeloAddressMatch::mismatch);
  EXPECT_EQ(run(zone, "half.example.test", ip("2001:db8::1")).match, HeloAddressMatch::temperror);
}

TEST(HeloAddress, LiteralsAreComparedWithoutDns) {
  dns::ZoneResolver zone;
  EXPECT_EQ(run(zone, "[192.0.2.1]", kClient).match, HeloAddressMatch::match);
  EXPECT_EQ(run(zone, "[192.0.2.2]", kClient).match, HeloAddressMatch::mismatch);
  EXPECT_EQ(run(zone, "[IPv6:::ffff:192.0.2.1]", kClient).match, HeloAddressMatch::match);
  EXPECT_EQ(run(zone, "[IPv6:2001:db8::1]", ip("2001:db8::1")).match, HeloAddressMatch::match);
  EXPECT_EQ(zone.query_count(), 0u);
}

TEST(HeloAddress, NoLookupsForSingleLabelsInvalidLoopsOrWhenDisabled) {
  dns::ZoneResolver zone;
  zone.add_address("mail.example.test", kClient);
  EXPECT_EQ(run(zone, "mycomputer", kClient).match, HeloAddressMatch::not_checked);
  EXPECT_EQ(run(zone, "bad_name.example.test", kClient).match, HeloAddressMatch::not_checked);
  HeloResult loop = run(zone, "mx.receiver.example", kClient);
  EXPECT_TRUE(loop.loop);
  EXPECT_EQ(loop.match, HeloAddressMatch::not_checked);
  HeloOptions quiet = our_server();
  quiet.resolve = false;
  EXPECT_EQ(run(zone, "mail.example.test", kClient, quiet).match, HeloAddressMatch::not_checked);
  EXPECT_EQ(zone.query_count(), 0u);
}

TEST(HeloSummary, NoControlBytesReachALogLine) {
  HeloResult r = examine_helo("evil\r\nX-Header: \x01yes", kClient);
  std::string s = r.summary();
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    EXPECT_TRUE(u >= 0x20 && u < 0x7f) << "byte " << int(u) << " in " << s;
  }
  EXPECT_EQ(s.rfind("helo=evil??X-Header: ?yes: invalid (", 0), 0u) << s;
  EXPECT_NE(examine_helo("localhost", kClient).summary().find("loop:"), std::string::npos);
}

}  // namespace
}  // namespace senderauth::iprev
