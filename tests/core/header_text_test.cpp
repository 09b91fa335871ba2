#include "senderauth/core/header_text.hpp"

#include <gtest/gtest.h>

namespace senderauth {
namespace {

TEST(CleanHeaderText, PrintableAsciiWithSingleInnerSpaces) {
  EXPECT_TRUE(is_clean_header_text("", 10));
  EXPECT_TRUE(is_clean_header_text("a b-c (d)", 10));
  EXPECT_TRUE(is_clean_header_text("~!", 2));
}

TEST(CleanHeaderText, AnythingASanitiserWouldChangeIsNot) {
  EXPECT_FALSE(is_clean_header_text(" a", 10));    // leading space
  EXPECT_FALSE(is_clean_header_text("a ", 10));    // trailing space
  EXPECT_FALSE(is_clean_header_text("a  b", 10));  // a run of spaces
  EXPECT_FALSE(is_clean_header_text(" ", 10));
  EXPECT_FALSE(is_clean_header_text("a\tb", 10));
  EXPECT_FALSE(is_clean_header_text("a\r\nb", 10));
  EXPECT_FALSE(is_clean_header_text("a\x7f", 10));
  EXPECT_FALSE(is_clean_header_text("\xc3\xa9", 10));  // non-ASCII, even well-formed
  EXPECT_FALSE(is_clean_header_text("abc", 2));        // too long
}

}  // namespace
}  // namespace senderauth
