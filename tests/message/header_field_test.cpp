#include "senderauth/message/header_field.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <string>
#include <vector>

namespace senderauth::message {
namespace {

TEST(SingleInstanceField, EveryListedNameWhateverItsCase) {
  for (std::size_t i = 0; i < kSingleInstanceFieldCount; ++i) {
    std::string name(kSingleInstanceFields[i]);
    EXPECT_EQ(single_instance_field(name), i) << name;
    std::string upper = name, lower = name;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_EQ(single_instance_field(upper), i) << upper;
    EXPECT_EQ(single_instance_field(lower), i) << lower;
    // One letter off, one letter short or long: another field.
    std::string changed = name;
    changed.back() = changed.back() == 'x' ? 'y' : 'x';
    EXPECT_EQ(single_instance_field(changed), kSingleInstanceFieldCount) << changed;
    EXPECT_EQ(single_instance_field(name.substr(0, name.size() - 1)), kSingleInstanceFieldCount)
        << name;
    EXPECT_EQ(single_instance_field(name + "s"), kSingleInstanceFieldCount) << name;
  }
  EXPECT_EQ(kSingleInstanceFields[kContentTypeField], "Content-Type");
  EXPECT_EQ(kSingleInstanceFields[kContentTransferEncodingField], "Content-Transfer-Encoding");
}

// A reader that ends lines at a bare CR (Python's email package) finds a field where one starts
// after such a CR; a CRLF is a line end we share, not a hiding place. The value runs to a line
// break that no space or tab follows (a fold continues it).
TEST(ValuesBehindBareCr, FieldsAReaderEndingLinesAtACrSees) {
  using V = std::vector<std::string>;
  auto hidden = [](const std::string& raw, std::string_view name) {
    return values_behind_bare_cr(HeaderField(raw), name);
  };
  EXPECT_EQ(hidden("X-Foo: a\rAuthentication-Results: mx; dkim=pass\r\n", "Authentication-Results"),
            V{" mx; dkim=pass"});
  EXPECT_EQ(hidden("X-Foo: a\rauthentication-results : mx;\r\n more\r\n", "Authentication-Results"),
            V{" mx;\r\n more"});
  EXPECT_EQ(hidden("X-Foo: a\rFrom: x\rFrom: y\r\rTo: z\r\n", "From"), (V{" x", " y"}));
  EXPECT_EQ(hidden("X-Foo: a\r\n From: x\r\n", "From"), V{});  // a fold, not a CR
  EXPECT_EQ(hidden("X-Foo: a\r X-From: x\r\n", "From"), V{});  // another name
  EXPECT_EQ(hidden("X-Foo: a\rFrom x\r\n", "From"), V{});      // no colon
  EXPECT_EQ(hidden("Authentication-Results: mx; none\r\n", "Authentication-Results"), V{});
}

TEST(SingleInstanceField, FieldsThatMayRepeatAreNotListed) {
  for (const char* name : {"Received",    "Resent-From",  "Resent-Date",
                           "Comments",    "Keywords",     "DKIM-Signature",
                           "Return-Path", "X-Mailer",     "",
                           "T",           "Tx",           "Bcx",
                           "Dute",        "Fram",         "Sendor",
                           "Subjekt",     "Reply-Tx",     "Message-IX",
                           "Referencez",  "In-Reply-Tx",  "MIME-Version",
                           "Content-ID",  "Content-Typo", "Content-Transfer-Encodinx"}) {
    EXPECT_EQ(single_instance_field(name), kSingleInstanceFieldCount) << name;
  }
}

}  // namespace
}  // namespace senderauth::message
