#include "senderauth/core/ip_address.hpp"

#include <gtest/gtest.h>

#include <string>

namespace senderauth {
namespace {

IpAddress ip(std::string_view text) {
  auto r = IpAddress::parse(text);
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.reason());
  return r.ok() ? *r : IpAddress{};
}

std::string reason_of(std::string_view text) {
  auto r = IpAddress::parse(text);
  EXPECT_FALSE(r.ok()) << text;
  return r.ok() ? std::string() : r.reason();
}

TEST(IpAddressParse, AcceptsDottedQuad) {
  const IpAddress a = ip("192.0.2.1");
  EXPECT_TRUE(a.is_v4());
  EXPECT_EQ(a.size(), 4u);
  EXPECT_EQ(a.bytes()[0], 192);
  EXPECT_EQ(a.bytes()[3], 1);
  EXPECT_EQ(ip("0.0.0.0").to_string(), "0.0.0.0");
  EXPECT_EQ(ip("255.255.255.255").to_string(), "255.255.255.255");
}

TEST(IpAddressParse, RejectsBadIpv4) {
  EXPECT_NE(reason_of("192.0.2.01").find("leading zeros"), std::string::npos);
  for (const char* bad : {"", "192.0.2", "192.0.2.1.5", "192.0.2.256", "192.0.2.-1", "192.0.2.+1",
                          "1234.0.0.1", " 192.0.2.1", "192.0.2.1 ", "192.0..1", "0x1.0.0.1",
                          "192.0.2.1/24", "3221225985", "00.0.0.0", "192.0.2.1."}) {
    EXPECT_FALSE(IpAddress::parse(bad).ok()) << bad;
  }
  EXPECT_NE(reason_of("").find("empty"), std::string::npos);
}

TEST(IpAddressParse, AcceptsIpv6Forms) {
  EXPECT_TRUE(ip("2001:db8::1").is_v6());
  EXPECT_EQ(ip("2001:DB8:0:0:0:0:0:1").to_string(), "2001:db8::1");
  EXPECT_EQ(ip("::").to_string(), "::");
  EXPECT_EQ(ip("::1").to_string(), "::1");
  EXPECT_EQ(ip("2001:0db8:0000:0000:0000:0000:0000:0001").to_string(), "2001:db8::1");
  EXPECT_EQ(ip("::ffff:192.0.2.1").bytes()[15], 1);
  EXPECT_EQ(ip("2001:db8::192.0.2.1").to_string(), "2001:db8::c000:201");
  // "::" stands for one or more zero groups, at either end.
  EXPECT_EQ(ip("1:2:3:4:5:6:7::").to_string(), "1:2:3:4:5:6:7:0");
  EXPECT_EQ(ip("::1:2:3:4:5:6:7").to_string(), "0:1:2:3:4:5:6:7");
  EXPECT_EQ(ip("1:2:3:4:5:6:192.0.2.1").to_string(), "1:2:3:4:5:6:c000:201");
}

TEST(IpAddressParse, RejectsBadIpv6) {
  EXPECT_NE(reason_of("[2001:db8::1]").find("brackets"), std::string::npos);
  EXPECT_NE(reason_of("fe80::1%eth0").find("zone"), std::string::npos);
  EXPECT_NE(reason_of("::ffff:192.0.2.01").find("embedded IPv4"), std::string::npos);
  for (const char* bad : {"2001:db8:::1",
                          "2001:db8::1::2",
                          "1:2:3:4:5:6:7:8:9",
                          "12345::1",
                          "2001:db8::g",
                          ":",
                          "1:2:3:4:5:6:7",
                          "2001:db8::1 ",
                          "::ffff:192.0.2",
                          "::192.0.2.1:1",
                          "2001:db8::/32",
                          "1::2:3:4:5:6:7:8",
                          "1:2:3:4:5:6:7:192.0.2.1",
                          "00001::",
                          ":1::",
                          "1::2:",
                          "192.0.2.1::",
                          "1:2:3:4:5:6:7:8::",
                          "::ffff:0x1.2.3.4",
                          "::ffff:1.2.3.4.5"}) {
    EXPECT_FALSE(IpAddress::parse(bad).ok()) << bad;
  }
  EXPECT_FALSE(IpAddress::parse(std::string("::1\0", 4)).ok());
  EXPECT_NE(reason_of(std::string(100, '1') + ":").find("too long"), std::string::npos);
}

TEST(IpAddressToString, FollowsRfc5952) {
  // 4.2.1: do not compress a single zero group.
  EXPECT_EQ(ip("2001:db8:0:1:1:1:1:1").to_string(), "2001:db8:0:1:1:1:1:1");
  // 4.2.3: longest run wins; on a tie, the first.
  EXPECT_EQ(ip("2001:0:0:1:0:0:0:1").to_string(), "2001:0:0:1::1");
  EXPECT_EQ(ip("2001:db8:0:0:1:0:0:1").to_string(), "2001:db8::1:0:0:1");
  // 4.3: lower case; 4.1: no leading zeros.
  EXPECT_EQ(ip("2001:DB8:00AB::0001").to_string(), "2001:db8:ab::1");
  EXPECT_EQ(ip("1::").to_string(), "1::");
  EXPECT_EQ(ip("0:0:0:0:0:0:0:1").to_string(), "::1");
  EXPECT_EQ(ip("1:0:0:0:0:0:0:0").to_string(), "1::");
  EXPECT_EQ(ip("1:2:3:4:5:6:7:8").to_string(), "1:2:3:4:5:6:7:8");
  // 5: IPv4-mapped keeps the dotted quad.
  EXPECT_EQ(ip("::FFFF:c000:0201").to_string(), "::ffff:192.0.2.1");
}

TEST(IpAddressToString, RoundTrips) {
  for (const char* text : {"192.0.2.1", "2001:db8::1", "::ffff:198.51.100.7",
                           "2001:db8:1:2:3:4:5:6", "::", "fe80::1:2"}) {
    EXPECT_EQ(ip(ip(text).to_string()), ip(text)) << text;
    EXPECT_EQ(ip(text).to_string(), text);
  }
}

TEST(IpAddressMapped, DetectsAndUnmaps) {
  const IpAddress mapped = ip("::ffff:192.0.2.1");
  EXPECT_TRUE(mapped.is_v4_mapped());
  EXPECT_EQ(mapped.unmapped(), ip("192.0.2.1"));
  EXPECT_FALSE(ip("::192.0.2.1").is_v4_mapped());
  EXPECT_FALSE(ip("192.0.2.1").is_v4_mapped());
  EXPECT_EQ(ip("2001:db8::1").unmapped(), ip("2001:db8::1"));
  EXPECT_NE(mapped, ip("192.0.2.1")) << "different families compare unequal";
}

TEST(IpAddressReverse, BuildsArpaNames) {
  EXPECT_EQ(ip("192.0.2.1").reverse_name(), "1.2.0.192.in-addr.arpa");
  EXPECT_EQ(ip("2001:db8::1").reverse_name(),
            "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
}

TEST(IpAddressSpfMacro, UsesDottedNibblesForIpv6) {
  EXPECT_EQ(ip("192.0.2.3").spf_macro_form(), "192.0.2.3");
  // RFC 7208 7.4 example.
  EXPECT_EQ(ip("2001:db8::cb01").spf_macro_form(),
            "2.0.0.1.0.d.b.8.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.c.b.0.1");
}

TEST(IpAddressNetwork, MatchesPrefixBits) {
  EXPECT_TRUE(ip("192.0.2.77").in_network(ip("192.0.2.0"), 24));
  EXPECT_FALSE(ip("192.0.3.77").in_network(ip("192.0.2.0"), 24));
  EXPECT_TRUE(ip("192.0.3.77").in_network(ip("192.0.2.0"), 23));
  EXPECT_TRUE(ip("192.0.2.77").in_network(ip("192.0.2.64"), 26));
  EXPECT_FALSE(ip("192.0.2.77").in_network(ip("192.0.2.64"), 29));
  EXPECT_TRUE(ip("203.0.113.9").in_network(ip("0.0.0.0"), 0));
  EXPECT_TRUE(ip("192.0.2.1").in_network(ip("192.0.2.1"), 32));
  EXPECT_FALSE(ip("192.0.2.2").in_network(ip("192.0.2.1"), 32));
  EXPECT_TRUE(ip("2001:db8:1::5").in_network(ip("2001:db8::"), 32));
  EXPECT_FALSE(ip("2001:db9::5").in_network(ip("2001:db8::"), 32));
  EXPECT_TRUE(ip("2001:db8::5").in_network(ip("2001:db8::4"), 126));
  EXPECT_FALSE(ip("2001:db8::5").in_network(ip("2001:db8::4"), 128));
}

TEST(IpAddressNetwork, MappedIpv6MatchesIpv4Networks) {
  EXPECT_TRUE(ip("::ffff:192.0.2.77").in_network(ip("192.0.2.0"), 24));
  EXPECT_FALSE(ip("::ffff:192.0.3.77").in_network(ip("192.0.2.0"), 24));
  // Otherwise families must match.
  EXPECT_FALSE(ip("192.0.2.77").in_network(ip("::ffff:192.0.2.0"), 120));
  EXPECT_FALSE(ip("192.0.2.77").in_network(ip("::"), 0));
  EXPECT_FALSE(ip("2001:db8::1").in_network(ip("0.0.0.0"), 0));
  // Still matches as IPv6 against a mapped IPv6 network.
  EXPECT_TRUE(ip("::ffff:192.0.2.77").in_network(ip("::ffff:192.0.2.0"), 120));
}

TEST(IpAddressNetwork, ClampsOutOfRangePrefixes) {
  EXPECT_TRUE(ip("192.0.2.1").in_network(ip("192.0.2.1"), 99));
  EXPECT_FALSE(ip("192.0.2.2").in_network(ip("192.0.2.1"), 99));
  EXPECT_TRUE(ip("192.0.2.2").in_network(ip("198.51.100.1"), -5));
}

TEST(IpAddressLoopback, RecognisesLoopback) {
  EXPECT_TRUE(ip("127.0.0.1").is_loopback());
  EXPECT_TRUE(ip("127.255.0.9").is_loopback());
  EXPECT_TRUE(ip("::1").is_loopback());
  EXPECT_TRUE(ip("::ffff:127.0.0.1").is_loopback());
  EXPECT_FALSE(ip("::").is_loopback());
  EXPECT_FALSE(ip("192.0.2.1").is_loopback());
  EXPECT_FALSE(ip("2001:db8::1").is_loopback());
}

TEST(IpAddressDefault, IsIpv4Zero) {
  const IpAddress a;
  EXPECT_TRUE(a.is_v4());
  EXPECT_EQ(a.to_string(), "0.0.0.0");
  EXPECT_LT(ip("192.0.2.1"), ip("192.0.2.2"));
}

TEST(IpNetworkParse, ParsesCidrAndBareAddresses) {
  auto n = IpNetwork::parse("192.0.2.0/24").value();
  EXPECT_EQ(n.prefix, 24);
  EXPECT_TRUE(n.contains(ip("192.0.2.200")));
  EXPECT_TRUE(n.contains(ip("::ffff:192.0.2.200")));
  EXPECT_FALSE(n.contains(ip("192.0.3.1")));
  EXPECT_EQ(IpNetwork::parse("192.0.2.1").value().prefix, 32);
  EXPECT_EQ(IpNetwork::parse("2001:db8::1").value().prefix, 128);
  EXPECT_EQ(IpNetwork::parse("2001:db8::/32").value().prefix, 32);
  EXPECT_EQ(IpNetwork::parse("0.0.0.0/0").value().prefix, 0);
  EXPECT_EQ(IpNetwork::parse("::/128").value().prefix, 128);
  // Host bits beyond the prefix are allowed (SPF "ip4:192.0.2.1/24").
  EXPECT_TRUE(IpNetwork::parse("192.0.2.1/24").value().contains(ip("192.0.2.9")));
  // An IPv4-mapped network (Postfix's mynetworks form) is the IPv4 network.
  const auto mapped = IpNetwork::parse("::ffff:192.0.2.0/120").value();
  EXPECT_TRUE(mapped.address.is_v4());
  EXPECT_EQ(mapped.prefix, 24);
  EXPECT_TRUE(mapped.contains(ip("192.0.2.77")));
  EXPECT_TRUE(mapped.contains(ip("::ffff:192.0.2.77")));
  EXPECT_FALSE(mapped.contains(ip("192.0.3.1")));
  EXPECT_EQ(IpNetwork::parse("::ffff:192.0.2.1").value().prefix, 32);
  EXPECT_EQ(IpNetwork::parse("::ffff:0.0.0.0/96").value().prefix, 0);
}

TEST(IpNetworkParse, RejectsBadPrefixes) {
  auto too_long = IpNetwork::parse("192.0.2.0/33");
  ASSERT_FALSE(too_long.ok());
  EXPECT_NE(too_long.reason().find("exceeds 32"), std::string::npos) << too_long.reason();
  EXPECT_FALSE(IpNetwork::parse("2001:db8::/129").ok());
  EXPECT_NE(IpNetwork::parse("192.0.2.0/").reason().find("missing prefix"), std::string::npos);
  for (const char* bad : {"192.0.2.0/024", "192.0.2.0/-1", "192.0.2.0/+8", "192.0.2.0/2 4",
                          "192.0.2.0/24/8", "192.0.2.0/1000", "/24", "192.0.2.0/x"}) {
    auto r = IpNetwork::parse(bad);
    EXPECT_FALSE(r.ok()) << bad;
  }
  EXPECT_NE(IpNetwork::parse("192.0.2.256/24").reason().find("dotted-quad"), std::string::npos);
}

}  // namespace
}  // namespace senderauth
