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
}

}  // namespace
}  // namespace senderauth
