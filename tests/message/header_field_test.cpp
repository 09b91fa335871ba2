#include "senderauth/message/header_field.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <string>

namespace senderauth::message {
namespace {

TEST(SingleInstanceField, EveryNameOfRfc5322TableWhateverItsCase) {
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
    EXPECT_EQ(single_instance_field(name.substr(0, name.size() - 1)), kSingleInstanceFieldCount) << name;
    EXPECT_EQ(single_instance_field(name + "s"), kSingleInstanceFieldCount) << name;
  }
}

TEST(SingleInstanceField, FieldsThatMayRepeatAreNotListed) {
  for (const char* name : {"Received",    "Resent-From", "Resent-Date",
                           "Comments",    "Keywords",    "DKIM-Signature",
                           "Return-Path", "X-Mailer",    "",
                           "T",           "Tx",          "Bcx",
                           "Dute",        "Fram",        "Sendor",
                           "Subjekt",     "Reply-Tx",    "Message-IX",
                           "Referencez",  "In-Reply-Tx"}) {
    EXPECT_EQ(single_instance_field(name), kSingleInstanceFieldCount) << name;
  }
}

}  // namespace
}  // namespace senderauth::message
