// Finding forged Authentication-Results fields that carry our authserv-id (RFC 8601 5).
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "senderauth/authres/own_fields.hpp"
#include "senderauth/authres/parser.hpp"
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
  // Indexes among the Authentication-Results fields: Received, ARC-Authentication-Results and
  // X-Authentication-Results are not counted.
  EXPECT_EQ(find_own_fields(headers, ours), (std::vector<std::size_t>{0, 2, 3, 4, 5}));
}

// The index names the field among those called Authentication-Results, as a milter removes one
// (smfi_chgheader(name, index + 1, NULL)): fields of other names before or between them do not
// shift it.
TEST(AuthresOwnFields, IndexesCountOnlyAuthenticationResultsFields) {
  const std::vector<std::string> ours{"mx.rcv.test"};
  message::HeaderList headers{
      field("Received: from x by y; Mon, 1 Jan 2024 00:00:00 +0000"),
      field("Authentication-Results: other.example; spf=pass"),
      field("Authentication-Results: mx.rcv.test; dkim=pass"),
      field("From: x@a.test"),
      field("Authentication-Results: MX.rcv.test; dmarc=pass"),
      field("Subject: hi"),
  };
  EXPECT_EQ(find_own_fields(headers, ours), (std::vector<std::size_t>{1, 2}));
  EXPECT_TRUE(is_authres_field_name("authentication-RESULTS"));
  EXPECT_FALSE(is_authres_field_name("ARC-Authentication-Results"));
}

// SpamAssassin and python3-authres skip /\s*/ after the colon, which takes a vertical tab and a
// form feed too (Python's also 0x1C-0x1F, and both the Unicode spaces of decoded text): such a
// field is read as ours there (SpamAssassin scored "\vmx.example.net; dkim=pass; dmarc=pass"
// as both passing), so it must be found here, whatever RFC 8601 says of the bytes before the
// id. A comment before it counts as one whether its backslashes escape or not.
TEST(AuthresOwnFields, BytesOtherReadersSkipDoNotHideOurId) {
  const std::vector<std::string> ours{"mx.example.net"};
  for (std::string value : {std::string("\vmx.example.net; dkim=pass; dmarc=pass"),
                            std::string("\fmx.example.net; dkim=pass"),
                            std::string(" \x1c\x1f\x7fmx.example.net; dkim=pass"),
                            std::string("\x00mx.example.net; dkim=pass", 26),
                            std::string("\xc2\xa0mx.example.net; dkim=pass"),       // U+00A0
                            std::string("\xe3\x80\x80MX.example.net.; dkim=pass"),  // U+3000
                            std::string(" (c)\v(d (e))\fmx.example.net; dkim=pass"),
                            std::string(" (\\) mx.example.net; dkim=pass"),  // "(\)" to SA
                            std::string(" (\\)) mx.example.net; dkim=pass"),
                            std::string(" \"\vmx.example.net\"; dkim=pass"),
                            std::string(" mx.example.net\v; dkim=pass"),
                            std::string(" mx.example.net\x80; dkim=pass")}) {
    EXPECT_TRUE(is_own_field("Authentication-Results", value, ours)) << value;
  }
  for (std::string value : {std::string("\vdkim=pass header.d=mx.example.net"),
                            std::string("\v(mx.example.net; dkim=pass"),
                            std::string("\vother.example; mx.example.net; dkim=pass"),
                            std::string("\vmx.example.net.evil.example; dkim=pass"),
                            std::string("\v\"mx.example.net; dkim=pass")}) {
    EXPECT_FALSE(is_own_field("Authentication-Results", value, ours)) << value;
  }
  // The strict reader (used for ARC-Authentication-Results) is unchanged.
  EXPECT_EQ(extract_authserv_id("\vmx.example.net; dkim=pass"), std::nullopt);
}

// Our name written in U-labels is our name to a reader that converts it (RFC 8616): such a
// field is ours too, and one that only begins with our name is not.
TEST(AuthresOwnFields, OurIdInULabelsIsOurs) {
  const std::vector<std::string> ours{"mx.xn--bcher-kva.example"};
  for (std::string value : {std::string(" mx.b\xc3\xbc"
                                        "cher.example; dmarc=pass header.from=b\xc3\xbc"
                                        "cher.example"),
                            std::string(" MX.B\xc3\x9c"
                                        "CHER.Example.; dkim=pass"),
                            std::string(" \"mx.b\xc3\xbc"
                                        "cher.example\"; dkim=pass"),
                            std::string(" (c) mx.xn--bcher-kva.example; dkim=pass")}) {
    EXPECT_TRUE(is_own_field("Authentication-Results", value, ours)) << value;
  }
  for (std::string value : {std::string(" mx.b\xc3\xbc"
                                        "cher.example.evil.test; dkim=pass"),
                            std::string(" b\xc3\xbc"
                                        "cher.example; dkim=pass"),
                            std::string(" mx.b\xc3\xbc"
                                        "cher\xc3.example; dkim=pass")}) {
    EXPECT_FALSE(is_own_field("Authentication-Results", value, ours)) << value;
  }
  // A reader that ends the id at an 8-bit byte still makes this ours, as before.
  EXPECT_TRUE(is_own_field("Authentication-Results", " mx.example.net\xc3\xa9; dkim=pass",
                           {"mx.example.net"}));
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
