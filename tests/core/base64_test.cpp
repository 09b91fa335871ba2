#include "senderauth/core/base64.hpp"

#include <gtest/gtest.h>

#include <string>

#include "core/limits.hpp"

namespace senderauth {
namespace {

TEST(Base64, EncodesRfc4648Vectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
}

TEST(Base64, DecodesRfc4648Vectors) {
  EXPECT_EQ(base64_decode("").value(), "");
  EXPECT_EQ(base64_decode("Zg==").value(), "f");
  EXPECT_EQ(base64_decode("Zm8=").value(), "fo");
  EXPECT_EQ(base64_decode("Zm9v").value(), "foo");
  EXPECT_EQ(base64_decode("Zm9vYg==").value(), "foob");
  EXPECT_EQ(base64_decode("Zm9vYmE=").value(), "fooba");
  EXPECT_EQ(base64_decode("Zm9vYmFy").value(), "foobar");
}

TEST(Base64, RoundTripsAllByteValues) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  for (std::size_t n = 0; n <= bytes.size(); n += 37) {
    const std::string part = bytes.substr(0, n);
    EXPECT_EQ(base64_decode(base64_encode(part)).value(), part);
  }
}

TEST(Base64, SkipsWhitespaceAnywhere) {
  EXPECT_EQ(base64_decode(" Zm9v\r\n\tYmE =\r\n ").value(), "fooba");
  EXPECT_EQ(base64_decode("Z m 9 v Y g = =").value(), "foob");
  EXPECT_EQ(base64_decode(" \t\r\n").value(), "");
}

TEST(Base64, RejectsInvalidCharacterNamingIt) {
  auto r = base64_decode("Zm9v!mFy");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.reason().find("'!'"), std::string::npos) << r.reason();
  EXPECT_NE(r.reason().find("offset 4"), std::string::npos) << r.reason();
  auto url_safe = base64_decode("Zm9v-_");
  ASSERT_FALSE(url_safe.ok());
  EXPECT_NE(url_safe.reason().find("'-'"), std::string::npos);
  auto control = base64_decode(std::string("Zm9v\0", 5));
  ASSERT_FALSE(control.ok());
  EXPECT_NE(control.reason().find("0x00"), std::string::npos) << control.reason();
  auto high = base64_decode("Zm9v\xc3\xa9");
  ASSERT_FALSE(high.ok());
  EXPECT_NE(high.reason().find("0xc3"), std::string::npos) << high.reason();
}

TEST(Base64, RejectsMissingPadding) {
  auto r = base64_decode("Zm8");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.reason().find("padding"), std::string::npos) << r.reason();
  EXPECT_FALSE(base64_decode("Z").ok());
  EXPECT_FALSE(base64_decode("Zg=").ok());
}

TEST(Base64, RejectsMisplacedPadding) {
  auto early = base64_decode("Z===");
  ASSERT_FALSE(early.ok());
  EXPECT_NE(early.reason().find("padding"), std::string::npos) << early.reason();
  EXPECT_FALSE(base64_decode("====").ok());
  EXPECT_FALSE(base64_decode("=").ok());
  auto after = base64_decode("Zg==Zg==");
  ASSERT_FALSE(after.ok());
  EXPECT_NE(after.reason().find("after padding"), std::string::npos) << after.reason();
  auto too_much = base64_decode("Zm8==");
  ASSERT_FALSE(too_much.ok());
  EXPECT_NE(too_much.reason().find("too much"), std::string::npos) << too_much.reason();
  EXPECT_FALSE(base64_decode("Zm9v=").ok());
}

TEST(Base64, IgnoresNonZeroPadBits) {
  // "Zh==" has non-zero low bits in 'h'; tolerated (RFC 4648 3.5 makes rejecting optional).
  EXPECT_EQ(base64_decode("Zh==").value(), "f");
}

TEST(Base64, EnforcesInputLimit) {
  const std::string at_limit(core_limits::kMaxBase64Input, 'A');
  EXPECT_TRUE(base64_decode(at_limit).ok());
  auto over = base64_decode(at_limit + "AAAA");
  ASSERT_FALSE(over.ok());
  EXPECT_NE(over.reason().find("longer than"), std::string::npos) << over.reason();
}

}  // namespace
}  // namespace senderauth
