#include "senderauth/core/idna.hpp"

#include <gtest/gtest.h>

#include <string>

namespace senderauth {
namespace {

TEST(Idna, AsciiNamesAreOnlyLowerCased) {
  EXPECT_TRUE(is_ascii("Example.TEST"));
  EXPECT_EQ(domain_to_a_labels("Example.TEST").value(), "example.test");
  // A-labels are kept as written, even one that would not decode: checking them is parse_domain's.
  EXPECT_EQ(domain_to_a_labels("XN--BCHER-KVA.example").value(), "xn--bcher-kva.example");
  EXPECT_EQ(domain_to_a_labels("under_score.example").value(), "under_score.example");
}

TEST(Idna, ALabelsAreCheckedAsALookupDoes) {
  EXPECT_TRUE(check_a_labels("xn--bcher-kva.example").ok());
  EXPECT_TRUE(check_a_labels("mail.XN--BCHER-KVA.Example").ok());
  EXPECT_TRUE(check_a_labels("xn--r8jz45g.xn--zckzah").ok());
  EXPECT_TRUE(check_a_labels("plain.example").ok());
  EXPECT_TRUE(check_a_labels("_dmarc.xn--bcher-kva.example").ok());
  auto refused = [](std::string_view name, std::string_view why) {
    auto r = check_a_labels(name);
    ASSERT_FALSE(r.ok()) << name;
    EXPECT_NE(r.reason().find(why), std::string::npos) << name << ": " << r.reason();
  };
  // "bank" and a soft hyphen, which UTS #46 maps away: shown as "bank", looked up as another.
  refused("xn--bank-tga.example",
          "\"xn--bank-tga\" is not a valid A-label (it decodes to U+00AD, which IDNA2008 does "
          "not allow in a name)");
  refused("mail.XN--BANK-TGA.example", "\"xn--bank-tga\"");
  // An upper-case U+00DC, which a U-label has as U+00FC; and a code point IDNA2008 disallows.
  refused("xn--bcher-2pa.example", "U+00DC");
  refused("xn--ls8h.example", "U+1F4A9");
  refused("xn--.example", "its Punycode does not decode");
  refused("xn--bank-.example", "its Punycode does not decode");
}

TEST(Idna, ULabelsBecomeALabels) {
  EXPECT_FALSE(
      is_ascii("b\xc3\xbc"
               "cher.example"));
  EXPECT_EQ(domain_to_a_labels("b\xc3\xbc"
                               "cher.example")
                .value(),
            "xn--bcher-kva.example");
  // Upper case maps to lower case, and a decomposed ü (u + U+0308) is composed first (NFC).
  EXPECT_EQ(domain_to_a_labels("B\xc3\x9c"
                               "CHER.Example")
                .value(),
            "xn--bcher-kva.example");
  EXPECT_EQ(domain_to_a_labels("bu\xcc\x88"
                               "cher.example")
                .value(),
            "xn--bcher-kva.example");
  // Non-transitional: ß stays ß (IDNA2008), it is not mapped to "ss" as IDNA2003 did.
  EXPECT_EQ(domain_to_a_labels("stra\xc3\x9f"
                               "e.example")
                .value(),
            "xn--strae-oqa.example");
  EXPECT_EQ(
      domain_to_a_labels("\xe4\xbe\x8b\xe3\x81\x88.\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88").value(),
      "xn--r8jz45g.xn--zckzah");
  EXPECT_EQ(domain_to_a_labels("b\xc3\xbc"
                               "cher.example.")
                .value(),
            "xn--bcher-kva.example");
}

TEST(Idna, RefusedNamesSayWhy) {
  auto check = [](std::string name) {
    auto r = domain_to_a_labels(name);
    EXPECT_FALSE(r.ok()) << name;
    if (!r.ok()) {
      EXPECT_NE(r.reason().find("not a valid internationalised domain name ("), std::string::npos)
          << r.reason();
    }
  };
  check(
      "b\xfc"
      "cher.example");  // Latin-1, not UTF-8
  check(
      "b\xc3"
      ".example");                                   // truncated sequence
  check("\xe2\x98\x83.example");                     // U+2603 SNOWMAN: disallowed by IDNA2008
  check(std::string(70, 'a') + "\xc3\xbc.example");  // label over 63 octets once converted
  EXPECT_NE(domain_to_a_labels(std::string("b\xc3\xbc\0x.example", 11)).reason().find("NUL"),
            std::string::npos);
  std::string long_name;
  for (int i = 0; i < 25; ++i) long_name += "\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc.";
  long_name += "example";
  auto too_long = domain_to_a_labels(long_name);
  EXPECT_FALSE(too_long.ok()) << too_long.value();
  // A bound on the work before any conversion: 4 octets for each of the 253 allowed.
  std::string huge;
  for (int i = 0; i < 507; ++i) huge += "\xc3\xa9";
  auto bounded = domain_to_a_labels(huge);
  ASSERT_FALSE(bounded.ok());
  EXPECT_NE(bounded.reason().find("longer than 1012 octets"), std::string::npos)
      << bounded.reason();
}

// UTS #46 without its STD3 rules maps these to ASCII punctuation or a space: the converted name
// would be "bank.test " or "bank.test>", with no DMARC policy, while a reader sees bank.test.
TEST(Idna, CharactersMappedToPunctuationOrSpaceAreRefused) {
  auto refused = [](const std::string& name, const std::string& why) {
    auto r = domain_to_a_labels(name);
    EXPECT_FALSE(r.ok()) << name << " -> " << r.value();
    if (!r.ok()) {
      EXPECT_NE(r.reason().find(why), std::string::npos) << name << ": " << r.reason();
    }
  };
  refused("bank.test\xc2\xa0",
          "not a host name once converted to A-labels (U+00A0 maps to a space)");
  refused("bank.test\xe3\x80\x80", "U+3000 maps to a space");
  refused("bank.test\xe2\x80\x82", "U+2002 maps to a space");
  refused("bank.test\xef\xbc\x9e", "U+FF1E maps to '>'");
  refused("bank.test\xef\xb9\xab", "U+FE6B maps to '@'");
  refused(
      "x\xef\xbc\xa0"
      "bank.test",
      "U+FF20 maps to '@'");
  refused("bank.test\xef\xbc\x8c", "U+FF0C maps to ','");
  refused("bank.test\xef\xbc\x88x\xef\xbc\x89", "U+FF08 maps to '('");
  refused("\xe2\x91\xb4.test", "U+2474 maps to '('");  // PARENTHESIZED DIGIT ONE: "(1)"
  // DIGIT ONE FULL STOP maps to "1." without STD3 rules; this libidn2 disallows it outright.
  refused("\xe2\x92\x88test.bank", "disallowed");
}

// The wide full stops separate labels as UTS #46 has them, but never around an empty label,
// and the root dot may only be an ASCII '.'.
TEST(Idna, WideFullStopsSeparateNonEmptyLabelsOnly) {
  EXPECT_EQ(domain_to_a_labels("bank\xe3\x80\x82test\xe3\x80\x82\xc3\xa9").value(),
            "bank.test.xn--9ca");
  EXPECT_EQ(domain_to_a_labels("b\xc3\xa4nk\xef\xbc\x8etest").value(), "xn--bnk-qla.test");
  EXPECT_EQ(domain_to_a_labels("b\xc3\xa4nk\xef\xbd\xa1test").value(), "xn--bnk-qla.test");
  auto refused = [](const std::string& name, const std::string& why) {
    auto r = domain_to_a_labels(name);
    EXPECT_FALSE(r.ok()) << name << " -> " << r.value();
    if (!r.ok()) {
      EXPECT_NE(r.reason().find(why), std::string::npos) << name << ": " << r.reason();
    }
  };
  refused(
      "\xe3\x80\x82"
      "bank.test",
      "empty label");
  refused("bank\xe3\x80\x82\xe3\x80\x82test", "empty label");
  refused("bank\xe3\x80\x82.test", "empty label");
  refused("\xe3\x80\x82\xe3\x80\x82", "ends with U+3002");
  refused("bank.test\xe3\x80\x82", "ends with U+3002");
  refused("b\xc3\xa4nk.test\xef\xbc\x8e", "ends with U+FF0E");
  refused("\xc3\xa9\xe3\x80\x82", "ends with U+3002");
  refused("b\xc3\xa4nk.test..", "empty label");
}

}  // namespace
}  // namespace senderauth
