// ZoneResolver::load_zone_text: the RFC 1035 master-file syntax the zone accepts and rejects.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "senderauth/dns/zone_resolver.hpp"

namespace senderauth::dns {
namespace {

std::vector<std::string> address_texts(const Answer& answer) {
  std::vector<std::string> out;
  for (const auto& a : answer.addresses) out.push_back(a.to_string());
  return out;
}

ZoneResolver loaded(const std::string& text, std::string_view origin = "example.test") {
  ZoneResolver zone;
  auto result = zone.load_zone_text(text, origin);
  EXPECT_TRUE(result.ok()) << result.reason();
  return zone;
}

std::string load_error(const std::string& text, std::string_view origin = "example.test") {
  ZoneResolver zone;
  auto result = zone.load_zone_text(text, origin);
  if (result.ok()) return "(loaded)";
  return result.reason();
}

TEST(ZoneMasterFile, EveryRecordType) {
  auto zone = loaded(R"($TTL 600
@       IN SOA ns1 hostmaster 2024010101 3600 600 86400 120
@       IN NS  ns1
@       IN NS  ns2.example.net.
@       IN MX  10 mx1
@       IN MX  20 mx2.example.net.
@       IN TXT "v=spf1 -all"
@       IN CAA 128 issue "ca.example; account=1"
ns1     IN A    192.0.2.1
ns1     IN AAAA 2001:db8::1
www     IN CNAME ns1
spf     IN SPF "v=spf1 ip4:192.0.2.0/24 -all"
)");
  auto ns = zone.lookup("example.test", RecordType::NS);
  ASSERT_EQ(ns.status, Status::ok);
  EXPECT_EQ(ns.names, (std::vector<std::string>{"ns1.example.test", "ns2.example.net"}));
  auto mx = zone.lookup("example.test", RecordType::MX);
  ASSERT_EQ(mx.mx.size(), 2u);
  EXPECT_EQ(mx.mx[0].preference, 10);
  EXPECT_EQ(mx.mx[0].exchange, "mx1.example.test");
  EXPECT_EQ(mx.mx[1].preference, 20);
  EXPECT_EQ(mx.mx[1].exchange, "mx2.example.net");
  auto txt = zone.lookup("example.test", RecordType::TXT);
  EXPECT_EQ(txt.txt, (std::vector<std::vector<std::string>>{{"v=spf1 -all"}}));
  auto caa = zone.lookup("example.test", RecordType::CAA);
  ASSERT_EQ(caa.caa.size(), 1u);
  EXPECT_EQ(caa.caa[0].flags, 128);
  EXPECT_EQ(caa.caa[0].tag, "issue");
  EXPECT_EQ(caa.caa[0].value, "ca.example; account=1");
  auto soa = zone.lookup("example.test", RecordType::SOA);
  EXPECT_EQ(soa.status, Status::ok);  // present; Answer carries no SOA fields
  EXPECT_EQ(address_texts(zone.lookup("ns1.example.test", RecordType::A)),
            (std::vector<std::string>{"192.0.2.1"}));
  EXPECT_EQ(address_texts(zone.lookup("ns1.example.test", RecordType::AAAA)),
            (std::vector<std::string>{"2001:db8::1"}));
  auto cname = zone.lookup("www.example.test", RecordType::CNAME);
  EXPECT_EQ(cname.names, (std::vector<std::string>{"ns1.example.test"}));
  auto spf = zone.lookup("spf.example.test", RecordType::SPF);
  EXPECT_EQ(spf.txt, (std::vector<std::vector<std::string>>{{"v=spf1 ip4:192.0.2.0/24 -all"}}));
  // A master file serves SPF-type records as type 99 only.
  EXPECT_EQ(zone.lookup("spf.example.test", RecordType::TXT).status, Status::nodata);
}

TEST(ZoneMasterFile, PtrInReverseZone) {
  auto zone = loaded("$ORIGIN 2.0.192.in-addr.arpa.\n25 PTR mail.example.test.\n", "");
  auto ptr = zone.lookup("25.2.0.192.in-addr.arpa", RecordType::PTR);
  ASSERT_EQ(ptr.status, Status::ok);
  EXPECT_EQ(ptr.names, (std::vector<std::string>{"mail.example.test"}));
}

TEST(ZoneMasterFile, TxtStringsEscapesAndUnquotedWords) {
  auto zone = loaded(R"(t1 TXT "a" "b c" "" d
t2 TXT "quote \" backslash \\ semicolon ; byte \255 \065"
t3 TXT plain\ word "x;y" ; a comment "not a string"
)");
  auto t1 = zone.lookup("t1.example.test", RecordType::TXT);
  EXPECT_EQ(t1.txt, (std::vector<std::vector<std::string>>{{"a", "b c", "", "d"}}));
  EXPECT_EQ(t1.joined_txt(), (std::vector<std::string>{"ab cd"}));
  auto t2 = zone.lookup("t2.example.test", RecordType::TXT);
  ASSERT_EQ(t2.txt.size(), 1u);
  EXPECT_EQ(t2.txt[0][0], std::string("quote \" backslash \\ semicolon ; byte \xff"
                                      " A"));
  auto t3 = zone.lookup("t3.example.test", RecordType::TXT);
  EXPECT_EQ(t3.txt, (std::vector<std::vector<std::string>>{{"plain word", "x;y"}}));
}

TEST(ZoneMasterFile, ParenthesesSpanLinesWithComments) {
  auto zone = loaded(R"(@ IN SOA ns1 hostmaster (
          1       ; serial
          3600    ; refresh
          600 86400
          60 )    ; minimum
key IN TXT ( "v=DKIM1; k=rsa; "
             "p=AAAA" )
after A 192.0.2.9
)");
  EXPECT_EQ(zone.lookup("example.test", RecordType::SOA).status, Status::ok);
  auto key = zone.lookup("key.example.test", RecordType::TXT);
  EXPECT_EQ(key.joined_txt(), (std::vector<std::string>{"v=DKIM1; k=rsa; p=AAAA"}));
  EXPECT_EQ(zone.lookup("after.example.test", RecordType::A).status, Status::ok);
}

TEST(ZoneMasterFile, OriginRelativeNamesAtAndBlankOwner) {
  auto zone = loaded(R"($ORIGIN example.test.
@        A 192.0.2.1
         AAAA 2001:db8::1
mail     A 192.0.2.2
         MX 5 @
$ORIGIN sub
host     A 192.0.2.3
abs.example.net. A 192.0.2.4
)",
                     "");
  EXPECT_EQ(zone.lookup("example.test", RecordType::AAAA).status, Status::ok);
  auto mx = zone.lookup("mail.example.test", RecordType::MX);
  ASSERT_EQ(mx.mx.size(), 1u);
  EXPECT_EQ(mx.mx[0].exchange, "example.test");
  // A relative $ORIGIN is relative to the previous origin.
  EXPECT_EQ(zone.lookup("host.sub.example.test", RecordType::A).status, Status::ok);
  EXPECT_EQ(zone.lookup("abs.example.net", RecordType::A).status, Status::ok);
}

TEST(ZoneMasterFile, OriginArgumentWithOrWithoutDotAndNoOrigin) {
  auto dotted = loaded("www A 192.0.2.1\n", "Example.TEST.");
  EXPECT_EQ(dotted.lookup("www.example.test", RecordType::A).status, Status::ok);
  // No origin: relative names are taken from the root.
  auto bare = loaded("host.example.test A 192.0.2.1\n", "");
  EXPECT_EQ(bare.lookup("host.example.test", RecordType::A).status, Status::ok);
}

TEST(ZoneMasterFile, TtlAndClassInEitherOrderAndDefaults) {
  auto zone = loaded(R"(a 100 IN A 192.0.2.1
b IN 200 A 192.0.2.2
c A 192.0.2.3
$TTL 1h30m
d A 192.0.2.4
e 1w IN A 192.0.2.5
f in a 192.0.2.6
)");
  EXPECT_EQ(zone.lookup("a.example.test", RecordType::A).ttl, 100u);
  EXPECT_EQ(zone.lookup("b.example.test", RecordType::A).ttl, 200u);
  // Before any $TTL: the last explicit TTL (RFC 2308 4).
  EXPECT_EQ(zone.lookup("c.example.test", RecordType::A).ttl, 200u);
  EXPECT_EQ(zone.lookup("d.example.test", RecordType::A).ttl, 5400u);
  EXPECT_EQ(zone.lookup("e.example.test", RecordType::A).ttl, 604800u);
  EXPECT_EQ(zone.lookup("f.example.test", RecordType::A).ttl, 5400u);
}

TEST(ZoneMasterFile, DefaultTtlWithoutAnyTtl) {
  auto zone = loaded("a A 192.0.2.1\n");
  EXPECT_EQ(zone.lookup("a.example.test", RecordType::A).ttl, 3600u);
}

TEST(ZoneMasterFile, CrlfLineEndingsAndNoFinalNewline) {
  auto zone = loaded("a A 192.0.2.1\r\nb TXT \"x\"\r\n  TXT \"y\"");
  EXPECT_EQ(zone.lookup("b.example.test", RecordType::TXT).txt.size(), 2u);
}

TEST(ZoneMasterFile, NamesWithEscapedBytesAndCase) {
  auto zone = loaded("Sp\\032ace.EXAMPLE.test. A 192.0.2.1\n", "");
  EXPECT_EQ(load_error("x\\.y A 192.0.2.2\n"),
            "line 1: name 'x\\.y': a dot inside a label is not supported");
  EXPECT_EQ(zone.lookup("SP ACE.example.test", RecordType::A).status, Status::ok);
}

TEST(ZoneMasterFile, ErrorsNameTheLine) {
  EXPECT_EQ(load_error("a A 192.0.2.1\nb A 300.0.0.1\n").substr(0, 8), "line 2: ");
  EXPECT_EQ(load_error("a A 2001:db8::1\n"), "line 1: A: '2001:db8::1' is not an IPv4 address");
  EXPECT_EQ(load_error("\n\na HINFO x y\n"), "line 3: record type 'HINFO' is not supported");
  EXPECT_EQ(load_error("a CH TXT \"x\"\n"), "line 1: class CH is not supported (only IN)");
  EXPECT_EQ(load_error("a MX 70000 mx\n"), "line 1: MX: preference '70000' is not 0-65535");
  EXPECT_EQ(load_error("a MX 10\n"), "line 1: MX: missing data fields");
  EXPECT_EQ(load_error("a A 192.0.2.1 192.0.2.2\n"), "line 1: A: unexpected '192.0.2.2'");
  EXPECT_EQ(load_error("a TXT \"open\n"), "line 1: quoted string is not closed on its line");
  EXPECT_EQ(load_error("a TXT ( \"x\"\n\"y\"\n"), "line 1: '(' is never closed");
  EXPECT_EQ(load_error("a TXT \"x\" )\n"), "line 1: ')' without '('");
  EXPECT_EQ(load_error("  A 192.0.2.1\n"), "line 1: no owner name and no previous record");
  EXPECT_EQ(load_error("$INCLUDE other.zone\n"), "line 1: $INCLUDE is not supported");
  EXPECT_EQ(load_error("$TTL forever\n"), "line 1: $TTL 'forever' is not a TTL");
  EXPECT_EQ(load_error("a 99999999999 A 192.0.2.1\n"), "line 1: '99999999999' is not a TTL");
  EXPECT_EQ(load_error("a..b A 192.0.2.1\n"), "line 1: empty label in name 'a..b'");
  EXPECT_EQ(load_error("a\n"), "line 1: record without a type");
  EXPECT_EQ(load_error("a TXT \"\\256\"\n"), "line 1: TXT: \\256 is over 255");
  EXPECT_EQ(load_error("a CAA 0 is-sue \"x\"\n"),
            "line 1: CAA: tag 'is-sue' is not letters and digits");
  EXPECT_EQ(load_error("x", "bad..origin"), "origin 'bad..origin': empty label in 'bad..origin'");
}

TEST(ZoneMasterFile, LengthLimits) {
  const std::string label63(63, 'a');
  EXPECT_EQ(load_error(label63 + " A 192.0.2.1\n"), "(loaded)");
  EXPECT_EQ(load_error(label63 + "a A 192.0.2.1\n"),
            "line 1: name '" + label63 + "a': label longer than 63 octets");
  std::string long_name;
  for (int i = 0; i < 5; ++i) long_name += label63 + ".";
  EXPECT_NE(load_error(long_name + " A 192.0.2.1\n", "").find("name longer than 253 octets"),
            std::string::npos);
  EXPECT_EQ(load_error("a TXT \"" + std::string(255, 'x') + "\"\n"), "(loaded)");
  EXPECT_EQ(load_error("a TXT \"" + std::string(256, 'x') + "\"\n"),
            "line 1: TXT: string longer than 255 octets (split it into several quoted strings)");
}

TEST(ZoneMasterFile, TextSizeLimit) {
  ZoneResolver zone;
  std::string huge(16 * 1024 * 1024 + 1, ';');
  auto result = zone.load_zone_text(huge);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.reason().find("limit"), std::string::npos);
}

TEST(ZoneMasterFile, RecordCountLimit) {
  std::string text;
  for (int i = 0; i <= 200'000; ++i) text += "a A 192.0.2.1\n";
  EXPECT_EQ(load_error(text), "line 200001: more than 200000 records");
}

TEST(ZoneMasterFile, FailedLoadAddsNothing) {
  ZoneResolver zone;
  ASSERT_FALSE(zone.load_zone_text("a A 192.0.2.1\nb A nonsense\n", "example.test").ok());
  EXPECT_EQ(zone.lookup("a.example.test", RecordType::A).status, Status::nxdomain);
}

TEST(ZoneMasterFile, SeveralLoadsAccumulate) {
  ZoneResolver zone;
  ASSERT_TRUE(zone.load_zone_text("a A 192.0.2.1\n", "one.test").ok());
  ASSERT_TRUE(zone.load_zone_text("a A 192.0.2.2\n", "two.test").ok());
  EXPECT_EQ(zone.lookup("a.one.test", RecordType::A).status, Status::ok);
  EXPECT_EQ(zone.lookup("a.two.test", RecordType::A).status, Status::ok);
}

}  // namespace
}  // namespace senderauth::dns
