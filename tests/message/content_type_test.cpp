// RFC 2045 5.1 Content-Type values as the DKIM unsigned-copy rule reads them.
#include "senderauth/message/content_type.hpp"

#include <gtest/gtest.h>

#include <string>

namespace senderauth::message {
namespace {

TEST(ContentType, TypeSubtypeAndParameters) {
  auto ct = parse_content_type(" Multipart/Mixed ; Boundary=\"a \\\"b\\\" c\";charset=UTF-8;");
  ASSERT_TRUE(ct.ok()) << ct.reason();
  EXPECT_EQ(ct->type, "multipart");
  EXPECT_EQ(ct->subtype, "mixed");
  ASSERT_EQ(ct->parameters.size(), 2u);
  EXPECT_EQ(ct->parameters[0].first, "boundary");
  EXPECT_EQ(ct->parameters[0].second, "a \"b\" c");  // quoted-pairs resolved, spaces kept
  EXPECT_EQ(ct->parameters[1].second, "UTF-8");      // as written
}

TEST(ContentType, ComparableFormIgnoresWhatReadersIgnore) {
  auto form = [](const char* value) {
    auto ct = parse_content_type(value);
    EXPECT_TRUE(ct.ok()) << value << ": " << ct.reason();
    return ct.ok() ? ct->comparable_form() : std::string();
  };
  EXPECT_EQ(form("text/html; charset=utf-8"), "text/html;charset=\"utf-8\"");
  EXPECT_EQ(form("TEXT/HTML;CHARSET=\"UTF-8\""), form("text/html; charset=utf-8"));
  EXPECT_EQ(form("multipart/mixed; boundary=\"X\""), form("multipart/mixed;boundary=X"));
  EXPECT_NE(form("multipart/mixed; boundary=\"a b\""), form("multipart/mixed; boundary=\"a  b\""));
  EXPECT_NE(form("multipart/mixed; boundary=x"), form("multipart/mixed; boundary=X"));
  // A value holding ";b=" is one parameter, not two.
  EXPECT_NE(form("text/plain; a=\"x;b=y\""), form("text/plain; a=x; b=y"));
  // The form reads back as itself.
  const std::string once = form("multipart/mixed; boundary=\"q\\\"\\\\z\"; x=1");
  EXPECT_EQ(form(once.c_str()), once);
}

TEST(ContentType, MediaTypeOfAValueAsReceived) {
  EXPECT_EQ(media_type_of(" Text/HTML; charset=utf-8"), "text/html");
  EXPECT_EQ(media_type_of("\r\n multipart/mixed;\r\n boundary=x"), "multipart/mixed");
  EXPECT_EQ(media_type_of("text/plain (comment)"), "text/plain");
  EXPECT_EQ(media_type_of("multipart / alternative"), "");
  EXPECT_EQ(media_type_of("text"), "");
  EXPECT_EQ(media_type_of("/plain"), "");
  EXPECT_EQ(media_type_of("text/"), "");
}

TEST(ContentType, MalformedValuesNameWhatIsWrong) {
  auto reason = [](const char* value) {
    auto ct = parse_content_type(value);
    EXPECT_FALSE(ct.ok()) << value;
    return ct.ok() ? std::string() : ct.reason();
  };
  EXPECT_EQ(reason(""), "no media type");
  EXPECT_EQ(reason("text"), "no '/' right after the media type");
  EXPECT_EQ(reason("multipart / alternative"), "no '/' right after the media type");
  EXPECT_EQ(reason("multipart/ alternative"), "no subtype after '/'");
  // Python's compat32 email keeps "\b" as two characters: not the same boundary as "b".
  EXPECT_EQ(reason("multipart/mixed; boundary=\"\\b1\""), "quoted-pair \\b");
  EXPECT_EQ(reason("text/"), "no subtype after '/'");
  EXPECT_EQ(reason("text/plain (comment)"), "unexpected '(' after the subtype");
  EXPECT_EQ(reason("text/plain; charset"), "no '=' after parameter charset");
  EXPECT_EQ(reason("text/plain; charset="), "no value for parameter charset");
  EXPECT_EQ(reason("text/plain; charset=\"utf-8"), "unterminated quoted string");
  EXPECT_EQ(reason("text/plain; a=\"\xc3\xa9\""), "8-bit byte in a quoted string");
  EXPECT_EQ(reason("text/plain; a=\"\\\x81\""), "8-bit byte in a quoted string");  // fuzz
  std::string many = "text/plain";
  for (std::size_t i = 0; i <= kMaxContentTypeParameters; ++i) many += "; p=1";
  EXPECT_EQ(reason(many.c_str()), "more than 64 parameters");
}

}  // namespace
}  // namespace senderauth::message
