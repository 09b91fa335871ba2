#include "senderauth/core/utf8.hpp"

#include <gtest/gtest.h>

#include <string>

namespace senderauth {
namespace {

TEST(Utf8, SequenceLengthOfEachWellFormedForm) {
  EXPECT_EQ(utf8_sequence_length("\xc3\xa9"), 2u);           // U+00E9
  EXPECT_EQ(utf8_sequence_length("\xe2\x82\xac rest"), 3u);  // U+20AC
  EXPECT_EQ(utf8_sequence_length("\xf0\x9f\x98\x80"), 4u);   // U+1F600
  EXPECT_EQ(utf8_sequence_length("\xf4\x8f\xbf\xbf"), 4u);   // U+10FFFF, the last
  EXPECT_EQ(utf8_sequence_length("\xed\x9f\xbf"), 3u);       // U+D7FF, before the surrogates
}

TEST(Utf8, IllFormedSequencesHaveNoLength) {
  for (const std::string& bad : {
           std::string(""), std::string("a"),                 // ASCII is not a multi-byte sequence
           std::string("\x80"), std::string("\xbf"),          // continuation first
           std::string("\xc0\xaf"), std::string("\xc1\xbf"),  // overlong 2-byte
           std::string("\xe0\x80\xaf"), std::string("\xf0\x80\x80\xaf"),      // overlong 3, 4
           std::string("\xed\xa0\x80"),                                       // U+D800 surrogate
           std::string("\xf4\x90\x80\x80"), std::string("\xf5\x80\x80\x80"),  // above U+10FFFF
           std::string("\xc3"), std::string("\xe2\x82"),                      // truncated
           std::string("\xc3("), std::string("\xe2\x82("),                    // bad continuation
       }) {
    EXPECT_EQ(utf8_sequence_length(bad), 0u) << testing::PrintToString(bad);
  }
}

TEST(Utf8, WholeText) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ASCII"));
  EXPECT_TRUE(
      is_valid_utf8("b\xc3\xbc"
                    "cher.example"));
  EXPECT_FALSE(
      is_valid_utf8("b\xfc"
                    "cher.example"));  // Latin-1
  EXPECT_FALSE(is_valid_utf8("end\xc3"));
}

TEST(Utf8, UnicodeControls) {
  EXPECT_EQ(unicode_control("\xc2\x85"), UnicodeControl::line_break);      // NEL
  EXPECT_EQ(unicode_control("\xe2\x80\xa8"), UnicodeControl::line_break);  // U+2028
  EXPECT_EQ(unicode_control("\xe2\x80\xa9"), UnicodeControl::line_break);  // U+2029
  for (std::string format :
       {"\xc2\x80", "\xc2\x9b", "\xc2\x9f", "\xd8\x9c", "\xe2\x80\x8e", "\xe2\x80\x8f",
        "\xe2\x80\xaa", "\xe2\x80\xae", "\xe2\x81\xa6", "\xe2\x81\xa9"}) {
    EXPECT_EQ(unicode_control(format), UnicodeControl::format) << testing::PrintToString(format);
  }
  for (std::string plain :
       {"\xc2\xa0", "\xc3\xa9", "\xd8\x9b", "\xe2\x80\x8d", "\xe2\x80\xa7", "\xe2\x80\xaf",
        "\xe2\x81\xa5", "\xe2\x81\xaa", "\xe2\x82\xac", "\xf0\x9f\x98\x80"}) {
    EXPECT_EQ(unicode_control(plain), UnicodeControl::none) << testing::PrintToString(plain);
  }
}

}  // namespace
}  // namespace senderauth
