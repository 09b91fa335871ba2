// Record parser edge cases (RFC 7208 4.5, 4.6, 5, 6, 12).
#include <gtest/gtest.h>

#include "senderauth/spf/spf_record.hpp"

namespace senderauth::spf {
namespace {

SpfRecord parsed(std::string_view text) {
  auto r = SpfRecord::parse(text);
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.reason());
  return r.ok() ? *r : SpfRecord{};
}

void expect_invalid(std::string_view text) {
  auto r = SpfRecord::parse(text);
  EXPECT_FALSE(r.ok()) << "accepted: " << text;
}

TEST(SpfRecordSelection, VersionMustBeFollowedBySpaceOrEnd) {
  EXPECT_TRUE(is_spf_record("v=spf1"));
  EXPECT_TRUE(is_spf_record("v=spf1 -all"));
  EXPECT_TRUE(is_spf_record("V=SpF1 -all"));
  EXPECT_FALSE(is_spf_record("v=spf1-all"));
  EXPECT_FALSE(is_spf_record("v=spf10"));
  EXPECT_FALSE(is_spf_record("v=spf2.0/pra"));
  EXPECT_FALSE(is_spf_record(" v=spf1"));
  EXPECT_FALSE(is_spf_record(""));
}

TEST(SpfRecordParse, EmptyRecordHasNoTerms) {
  auto r = parsed("v=spf1");
  EXPECT_TRUE(r.mechanisms.empty());
  EXPECT_FALSE(r.redirect);
  auto spaces = parsed("v=spf1    ");
  EXPECT_TRUE(spaces.mechanisms.empty());
}

TEST(SpfRecordParse, QualifiersAndNames) {
  auto r = parsed("v=spf1 +a -mx ~ptr ?all IP4:192.0.2.1 Include:x.example");
  ASSERT_EQ(r.mechanisms.size(), 6u);
  EXPECT_EQ(r.mechanisms[0].qualifier, Qualifier::pass);
  EXPECT_EQ(r.mechanisms[1].qualifier, Qualifier::fail);
  EXPECT_EQ(r.mechanisms[2].qualifier, Qualifier::softfail);
  EXPECT_EQ(r.mechanisms[3].qualifier, Qualifier::neutral);
  EXPECT_EQ(r.mechanisms[4].kind, MechanismKind::ip4);
  EXPECT_EQ(r.mechanisms[5].kind, MechanismKind::include);
  EXPECT_EQ(r.mechanisms[5].domain_spec, "x.example");
  EXPECT_EQ(r.mechanisms[1].text, "-mx");
}

TEST(SpfRecordParse, DualCidrLengths) {
  auto r = parsed("v=spf1 a/24//64 mx//96 a:foo.example/16 mx:foo.example/8//48 a:f:b/c.example");
  ASSERT_EQ(r.mechanisms.size(), 5u);
  EXPECT_EQ(r.mechanisms[0].cidr4, 24);
  EXPECT_EQ(r.mechanisms[0].cidr6, 64);
  EXPECT_EQ(r.mechanisms[1].cidr4, 32);
  EXPECT_EQ(r.mechanisms[1].cidr6, 96);
  EXPECT_EQ(r.mechanisms[2].domain_spec, "foo.example");
  EXPECT_EQ(r.mechanisms[2].cidr4, 16);
  EXPECT_EQ(r.mechanisms[3].cidr4, 8);
  EXPECT_EQ(r.mechanisms[3].cidr6, 48);
  EXPECT_EQ(r.mechanisms[4].domain_spec, "f:b/c.example");
}

TEST(SpfRecordParse, BadCidrLengths) {
  expect_invalid("v=spf1 a/33");
  expect_invalid("v=spf1 a//129");
  expect_invalid("v=spf1 a/24/64");
  expect_invalid("v=spf1 a/024");
  expect_invalid("v=spf1 a/");
  expect_invalid("v=spf1 a//");
  expect_invalid("v=spf1 ip4:192.0.2.0/033");
  expect_invalid("v=spf1 ip4:192.0.2.0//32");
  expect_invalid("v=spf1 ip6:2001:db8::/129");
  expect_invalid("v=spf1 ptr/0");
  expect_invalid("v=spf1 all/8");
  expect_invalid("v=spf1 include:x.example/24");
  expect_invalid("v=spf1 exists:x.example/24");
}

TEST(SpfRecordParse, IpNetworks) {
  auto r = parsed("v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 ip4:0.0.0.0/0 ip6:::1.1.1.1/0");
  ASSERT_EQ(r.mechanisms.size(), 4u);
  EXPECT_EQ(r.mechanisms[0].cidr4, 24);
  EXPECT_EQ(r.mechanisms[1].cidr6, 32);
  EXPECT_EQ(r.mechanisms[2].cidr4, 0);
  EXPECT_EQ(r.mechanisms[3].cidr6, 0);
  expect_invalid("v=spf1 ip4");
  expect_invalid("v=spf1 ip4:");
  expect_invalid("v=spf1 ip4:192.0.2");
  expect_invalid("v=spf1 ip4:192.0.2.1:25");
  expect_invalid("v=spf1 ip4:2001:db8::1");
  expect_invalid("v=spf1 ip6:192.0.2.1");
  expect_invalid("v=spf1 ip6::CAFE::BABE");
}

TEST(SpfRecordParse, DomainSpecNeedsValidTopLabel) {
  parsed("v=spf1 a:foo.example.xn--zckzah a:foo.example.com. a:%{d} a:x.%{d2}");
  // toplabel's second form: alphanumerics with a hyphen inside, digits only allowed.
  parsed("v=spf1 a:foo.1-2 a:foo.9-x a:foo.a1");
  parsed("v=spf1 exists:%{iR}.x.example");
  expect_invalid("v=spf1 a:museum");
  expect_invalid("v=spf1 a:museum.");
  expect_invalid("v=spf1 a:abc.123");
  expect_invalid("v=spf1 a:111.222.33.44");
  expect_invalid("v=spf1 a:example.-com");
  expect_invalid("v=spf1 a:example.com-");
  expect_invalid("v=spf1 a:example.com:8080");
  expect_invalid("v=spf1 a:");
  expect_invalid("v=spf1 include:");
  expect_invalid("v=spf1 include");
  expect_invalid("v=spf1 exists");
  expect_invalid("v=spf1 ptr:");
}

// RFC 7208 7.1: domain-end = ( "." toplabel [ "." ] ) / macro-expand. A final '}' ends a
// domain-spec only when it closes a %{...}; a literal one leaves no valid top label (4.6).
TEST(SpfRecordParse, DomainSpecEndingInALiteralBraceIsInvalid) {
  expect_invalid("v=spf1 a:foo} -all");
  expect_invalid("v=spf1 ip4:192.0.2.1 include:x} -all");
  expect_invalid("v=spf1 exists:}}}");
  expect_invalid("v=spf1 redirect=}");
  expect_invalid("v=spf1 exp=}");
  expect_invalid("v=spf1 a:foo.example.com}");
  expect_invalid("v=spf1 a:%{d}}");
  expect_invalid("v=spf1 a:%%}");  // "%%" is a literal '%', the '}' literal too
  auto r = parsed("v=spf1 a:%{d} exists:%{i}.%{d} a:foo.%{d2} mx:%{ir}.%{v}._spf.%{d2} -all");
  ASSERT_EQ(r.mechanisms.size(), 5u);
  EXPECT_EQ(r.mechanisms[1].domain_spec, "%{i}.%{d}");
  EXPECT_EQ(r.mechanisms[2].domain_spec, "foo.%{d2}");
  parsed("v=spf1 redirect=%{d} exp=%{l}.%{d}");
  parsed("v=spf1 a:foo.%% a:foo.%_ a:foo.%-");  // the other macro-expands (7.1)
}

TEST(SpfRecordParse, Modifiers) {
  auto r = parsed("v=spf1 -all redirect=_spf.example.com exp=exp.%{d} moo.cow-far_out=man:dog/cat");
  ASSERT_TRUE(r.redirect);
  EXPECT_EQ(*r.redirect, "_spf.example.com");
  ASSERT_TRUE(r.exp);
  EXPECT_EQ(*r.exp, "exp.%{d}");
  ASSERT_EQ(r.unknown_modifiers.size(), 1u);
  EXPECT_EQ(r.unknown_modifiers[0].name, "moo.cow-far_out");
  // Modifier names are case-insensitive for redirect and exp.
  auto upper = parsed("v=spf1 REDIRECT=x.example EXP=y.example");
  EXPECT_TRUE(upper.redirect && upper.exp);
  expect_invalid("v=spf1 redirect=a.example redirect=b.example");
  expect_invalid("v=spf1 exp=a.example exp=b.example");
  expect_invalid("v=spf1 redirect=");
  expect_invalid("v=spf1 exp=");
  expect_invalid("v=spf1 exp=-all");
  expect_invalid("v=spf1 redirect:x.example");
  expect_invalid("v=spf1 =all");
  expect_invalid("v=spf1 1up=foo");
  expect_invalid("v=spf1 moo.cow/far_out=man");
  expect_invalid("v=spf1 foo=%abc");
  parsed("v=spf1 default=pass default=+");  // unknown modifiers may repeat
}

TEST(SpfRecordParse, UnknownMechanismAnywhereIsAnError) {
  expect_invalid("v=spf1 ip4:192.0.2.1 -all moo");
  expect_invalid("v=spf1 -all.");
  expect_invalid("v=spf1 -all:foobar");
  expect_invalid("v=spf1 +");
}

TEST(SpfRecordParse, NonAsciiAndControlCharactersAreErrors) {
  expect_invalid(
      "v=spf1 \x80"
      "a -all");
  expect_invalid(
      "v=spf1 a:example.net \x96"
      "all");
  expect_invalid("v=spf1 a\r -all");
  expect_invalid("v=spf1 a\n -all");
  expect_invalid(std::string_view("v=spf1 a\0 -all", 14));
  expect_invalid("v=spf1 a\t-all");
}

TEST(SpfRecordParse, MacroSyntaxIsCheckedAtParseTime) {
  parsed("v=spf1 exists:%{ir}.%{l1r-}.lp.%{d2} a:%{H}.example");
  expect_invalid("v=spf1 exists:%(ir).sbl.example.com");
  expect_invalid("v=spf1 exists:foo%.sbl.example.com");
  expect_invalid("v=spf1 a:%{a}.example.com");
  expect_invalid("v=spf1 exp=%{r}.example.com");  // r only in explanation text
  expect_invalid("v=spf1 a:%{d0}.example.com");
  expect_invalid("v=spf1 a:%{d");
}

// kMaxTerms: a record of one-letter terms fits ~32 000 in 65535 octets; 8192 are parsed, one
// more is refused with a reason that says so.
TEST(SpfRecordParse, TermCap) {
  EXPECT_EQ(kMaxTerms, 8192u);
  std::string many = "v=spf1";
  for (std::size_t i = 0; i < kMaxTerms; ++i) many += " a";
  EXPECT_EQ(parsed(many).mechanisms.size(), kMaxTerms);
  auto over = SpfRecord::parse(many + " a");
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.reason(), "record has more than 8192 terms");
}

// RFC 7208 sets no length for a record; the parser's cap is the most a TXT RRset can carry in
// one DNS message. A record of that length is parsed, one octet more is refused with a reason.
TEST(SpfRecordParse, RecordLengthCapIsOneDnsMessage) {
  EXPECT_EQ(kMaxRecordLength, 65535u);
  std::string record = "v=spf1 ip4:192.0.2.0/24 x=";
  record += std::string(kMaxRecordLength - record.size() - 5, 'a');
  record += " -all";
  ASSERT_EQ(record.size(), kMaxRecordLength);
  auto longest = parsed(record);
  ASSERT_EQ(longest.mechanisms.size(), 2u);
  EXPECT_EQ(longest.unknown_modifiers.size(), 1u);
  // A provider-sized record over the old 4096-octet cap.
  std::string networks = "v=spf1";
  std::size_t terms = 0;
  for (; networks.size() <= 5000; ++terms) {
    networks += " ip4:198.51." + std::to_string(terms / 256) + "." + std::to_string(terms % 256);
  }
  EXPECT_EQ(parsed(networks + " -all").mechanisms.size(), terms + 1);
  record.insert(record.size() - 5, "a");
  auto over = SpfRecord::parse(record);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.reason(), "record longer than 65535 octets");
}

TEST(SpfRecordParse, DnsTermsAreFlagged) {
  auto r = parsed(
      "v=spf1 all include:a.example a mx ptr ip4:192.0.2.1 ip6:2001:db8::1 exists:b.example");
  std::vector<bool> expected = {false, true, true, true, true, false, false, true};
  ASSERT_EQ(r.mechanisms.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(r.mechanisms[i].queries_dns(), expected[i]) << r.mechanisms[i].text;
  }
}

}  // namespace
}  // namespace senderauth::spf
