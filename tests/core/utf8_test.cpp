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

}  // namespace
}  // namespace senderauth
