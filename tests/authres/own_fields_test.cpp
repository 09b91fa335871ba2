// Finding forged Authentication-Results fields that carry our authserv-id (RFC 8601 5).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "senderauth/authres/own_fields.hpp"
#include "senderauth/message/header_field.hpp"

namespace senderauth::authres {
namespace {

message::HeaderField field(const std::string& raw) {
  return message::HeaderField(raw + "\r\n");
}

TEST(AuthresOwnFields, FindsOursWhateverItsSpelling) {
  const std::vector<std::string> ours{"mx.example.org"};
  message::HeaderList headers{
      field("Received: from a by b"),
      field("Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=x@example.com"),
      field("Authentication-Results: other.example; spf=pass"),
      field("authentication-results: MX.Example.ORG.; dkim=pass"),
      field("Authentication-Results:\r\n (forged) \"mx.example.org\" 1;\r\n dmarc=pass"),
      field("Authentication-Results: mx.example.org; this is not ( a valid resinfo"),
      field("Authentication-Results: mx.example.org"),
      field("ARC-Authentication-Results: i=1; mx.example.org; spf=pass"),
      field("X-Authentication-Results: mx.example.org; spf=pass"),
      field("Authentication-Results: mx.example.org.evil.example; spf=pass"),
      field("Authentication-Results: dkim=none header.d=mx.example.org"),
      field("Authentication-Results: sub.mx.example.org; spf=pass"),
  };
  EXPECT_EQ(find_own_fields(headers, ours), (std::vector<std::size_t>{1, 3, 4, 5, 6}));
}

TEST(AuthresOwnFields, SeveralOfOurIds) {
  const std::vector<std::string> ours{"mx1.example.org", "mx2.example.org"};
  EXPECT_TRUE(is_own_field("Authentication-Results", " mx2.example.org; none", ours));
  EXPECT_TRUE(is_own_field("Authentication-Results", " mx1.example.org; none", ours));
  EXPECT_FALSE(is_own_field("Authentication-Results", " mx3.example.org; none", ours));
  EXPECT_FALSE(is_own_field("Authentication-Results", " mx1.example.org; none", {}));
  EXPECT_FALSE(is_own_field("Authentication-Results", " ; none", {""}));
}

}  // namespace
}  // namespace senderauth::authres
