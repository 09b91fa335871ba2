#include "senderauth/core/line_ends.hpp"

#include <gtest/gtest.h>

#include <string>

#include "support/without_avx2.hpp"

namespace senderauth {
namespace {

constexpr auto npos = std::string_view::npos;

TEST(FindBareLf, CrlfIsNotBare) {
  EXPECT_EQ(find_bare_lf("", false), npos);
  EXPECT_EQ(find_bare_lf("a\r\nb\r\n", false), npos);
  EXPECT_EQ(find_bare_lf("\n", false), 0u);
  EXPECT_EQ(find_bare_lf("\n", true), npos);  // the CR ended the chunk before
  EXPECT_EQ(find_bare_lf("\r\n\n", true), 2u);
  EXPECT_EQ(find_bare_lf("a\rb\nc", false), 3u);
}

// The scan goes by 64-byte blocks (AVX2 or SSE2), then 16 bytes, then bytes: the first bare LF
// is found at every offset, after a CRLF body and with another bare LF further on.
TEST(FindBareLf, FirstBareLfAtEveryOffset) {
  std::string crlf;
  while (crlf.size() < 300) crlf += "text of a line\r\n";
  for (bool without_avx2 : {false, true}) {
    senderauth::testing::WithoutAvx2 scan(without_avx2);
    EXPECT_EQ(find_bare_lf(crlf, false), npos);
    for (std::size_t at = 0; at + 1 < crlf.size(); ++at) {
      if (crlf[at] == '\r' || crlf[at] == '\n') continue;
      std::string text = crlf;
      text[at] = '\n';
      text[text.size() - 2] = 'x';  // "x\n" at the end: a second bare LF, later
      ASSERT_EQ(find_bare_lf(text, false), at) << at << (without_avx2 ? " without AVX2" : "");
    }
  }
}

}  // namespace
}  // namespace senderauth
