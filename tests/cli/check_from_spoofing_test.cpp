// `senderauth check` on From fields that a reader and DMARC could take for different domains.
// bank.test publishes p=reject; the attacker sends from 192.0.2.66, which attacker.test's SPF
// (p=none) allows. Each message shows bank.test to a reader: DMARC must evaluate bank.test or
// refuse the From field, never pass the message on attacker.test's or no policy.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "cli_runner.hpp"
#include "support/scratch_dir.hpp"

namespace senderauth::testing {
namespace {

class CheckFromSpoofing : public ::testing::Test {
 protected:
  // Runs check on `header_fields` (CRLF-terminated) followed by a few ordinary fields and a body.
  nlohmann::json check(const std::string& header_fields, const std::string& options = "") {
    const std::string message =
        dir_.write("m" + std::to_string(++count_) + ".eml",
                   header_fields +
                       "To: a@b.test\r\nSubject: x\r\nMessage-ID: <1@attacker.test>\r\n\r\nhi\r\n");
    const CliRun run = run_cli("check --json --now 1767225600 --zone '" + zone_ +
                               "' --ip 192.0.2.66 --helo mx.attacker.test"
                               " --mail-from x@attacker.test '" +
                               message + "'" + options);
    EXPECT_EQ(run.exit_code, 0) << run.err;
    return nlohmann::json::parse(run.out);
  }

  // The From field is refused as unusable, which rejects the message by default.
  void expect_unusable(const std::string& header_fields, const std::string& reason_part) {
    const auto j = check(header_fields);
    EXPECT_EQ(j["dmarc"]["result"], "permerror") << header_fields << "\n" << j.dump();
    EXPECT_EQ(j["dmarc"]["from_problem"], "unusable") << header_fields << "\n" << j.dump();
    EXPECT_NE(j["dmarc"]["reason"].get<std::string>().find(reason_part), std::string::npos)
        << header_fields << "\n"
        << j.dump();
    EXPECT_EQ(j["action"], "reject") << header_fields;
  }

  ScratchDir dir_{"senderauth-check-from"};
  int count_ = 0;
  const std::string zone_ = dir_.write("from.zone",
                                       "bank.test. 300 IN TXT \"v=spf1 -all\"\n"
                                       "_dmarc.bank.test. 300 IN TXT \"v=DMARC1; p=reject\"\n"
                                       "attacker.test. 300 IN TXT \"v=spf1 ip4:192.0.2.66 -all\"\n"
                                       "_dmarc.attacker.test. 300 IN TXT \"v=DMARC1; p=none\"\n");
};

// Not a spoof: PHP's mail() header lines through an MTA that turns LF into CRLF end in
// "\r\r\n", the From field's too. Every reader sees this From (after the first CR a reader that
// breaks lines there sees an empty line, the end of the header), so it is judged as written.
TEST_F(CheckFromSpoofing, CrBeforeTheLineEndIsNotAHiddenField) {
  auto j = check("From: x@attacker.test\r\r\nReply-To: x@attacker.test\r\r\n");
  EXPECT_EQ(j["dmarc"]["result"], "pass") << j.dump();
  EXPECT_EQ(j["action"], "accept");
  j = check("From: =?UTF-8?B?U2hvcA==?=\r\r\n <x@attacker.test>\r\n");
  EXPECT_EQ(j["dmarc"]["result"], "pass") << j.dump();
}

TEST_F(CheckFromSpoofing, PlainAttackerDomainPassesAndBankFails) {
  auto j = check("From: x@attacker.test\r\n");
  EXPECT_EQ(j["dmarc"]["result"], "pass");
  EXPECT_EQ(j["action"], "accept");
  j = check("From: Bank <user@bank.test>\r\n");
  EXPECT_EQ(j["dmarc"]["result"], "fail");
  EXPECT_EQ(j["action"], "reject");
}

// UTS #46 maps these to a space or ASCII punctuation: converted without a check, the author
// domain became "bank.test " or "bank.test>", which has no policy (dmarc=none, accepted).
TEST_F(CheckFromSpoofing, ULabelCharactersMappedToPunctuationAreRefused) {
  expect_unusable("From: Bank <user@bank.test\xc2\xa0>\r\n", "U+00A0 maps to a space");
  expect_unusable("From: user@bank.test\xe3\x80\x80\r\n", "U+3000 maps to a space");
  expect_unusable("From: Bank <user@bank.test\xef\xbc\x9e>\r\n", "U+FF1E maps to '>'");
  expect_unusable("From: user@bank.test\xef\xb9\xab\r\n", "U+FE6B maps to '@'");
  expect_unusable("From: user@bank.test\xef\xbc\x8c\r\n", "U+FF0C maps to ','");
  // Empty labels around an ideographic full stop were a temperror, accepted by default.
  expect_unusable(
      "From: user@\xe3\x80\x82"
      "bank.test\r\n",
      "empty label");
  expect_unusable("From: user@bank\xe3\x80\x82\xe3\x80\x82test\r\n", "empty label");
}

// Between two labels the ideographic full stop is a dot (UTS #46): bank.test's policy applies.
TEST_F(CheckFromSpoofing, IdeographicFullStopBetweenLabelsIsADot) {
  const auto j = check("From: user@bank\xe3\x80\x82test\r\n");
  EXPECT_EQ(j["dmarc"]["from_domain"], "bank.test") << j.dump();
  EXPECT_EQ(j["dmarc"]["result"], "fail");
  EXPECT_EQ(j["action"], "reject");
}

// An encoded word in a local part (RFC 2047 5 (3) forbids it) is decoded by readers: Python's
// email package shows user@bank.test for each of these, where the words joined by a space were
// evaluated as a local part at attacker.test (pass, accepted).
TEST_F(CheckFromSpoofing, EncodedWordInALocalPartIsRefused) {
  for (const std::string from : {
           "From: =?utf-8?q?user=40bank.test?= x@attacker.test\r\n",
           "From: =?utf-8?b?dXNlckBiYW5rLnRlc3Q=?= x@attacker.test\r\n",
           "From: =?utf-8?q?user=40bank.test?=\r\n x@attacker.test\r\n",
           "From: Bank <=?utf-8?q?user=40bank.test?= x@attacker.test>\r\n",
           "From: =?utf-8?q?u=40bank.test?=\"u@bank.test\"@attacker.test\r\n",
           "From: =?utf-8?q?user=40bank.test?=@attacker.test\r\n",
       }) {
    expect_unusable(from, "encoded word");
  }
  expect_unusable("From: \"user@bank.test\" x@attacker.test\r\n", "'@' in a word");
}

// A bare CR ends a line for Python's email package. Inside the From field it hides a From field
// of its own: the field is unusable.
TEST_F(CheckFromSpoofing, BareCrInTheFromFieldIsRefused) {
  expect_unusable("From: (\rFrom: Bank <user@bank.test>\r) x@attacker.test\r\n",
                  "CR not part of a folding line break");
  expect_unusable("From: \"\rFrom: Bank <user@bank.test>\r\" <x@attacker.test>\r\n",
                  "CR not part of a folding line break");
}

// In another field it starts a From field that Python's email package shows (and a second CR
// a blank line, so that the real From field is body to it): that is a second author.
TEST_F(CheckFromSpoofing, FromFieldHiddenBehindABareCrIsAnotherAuthor) {
  const std::string fields =
      "X-Pad: a\rFrom: Bank <user@bank.test>\r\rjunk\r\nFrom: x@attacker.test\r\n";
  auto j = check(fields);
  EXPECT_EQ(j["dmarc"]["result"], "permerror") << j.dump();
  EXPECT_EQ(j["dmarc"]["from_problem"], "several_authors") << j.dump();
  EXPECT_EQ(j["action"], "reject");
  j = check(fields, " --multiple-from-evaluate-each");
  EXPECT_EQ(j["dmarc"]["result"], "fail") << j.dump();  // bank.test's p=reject applies
  EXPECT_EQ(j["action"], "reject");
}

// A NUL in a quoted string: a reader that cuts the string there shows user@bank.test.
TEST_F(CheckFromSpoofing, ControlCharacterInAQuotedStringIsRefused) {
  expect_unusable(std::string("From: \"user@bank.test\0\" <x@attacker.test>\r\n", 43),
                  "byte 0x00 in a quoted string");
}

// 32 x U+00E9 is 64 octets of UTF-8 but a 38-octet A-label: a valid name, which was refused
// as "label longer than 63 octets" (permerror, rejected) when the limit counted the UTF-8.
TEST_F(CheckFromSpoofing, LabelLengthIsCountedOnTheALabel) {
  std::string e32;
  for (int i = 0; i < 32; ++i) e32 += "\xc3\xa9";
  const auto j = check("From: user@" + e32 + ".test\r\n");
  EXPECT_EQ(j["dmarc"]["from_domain"], "xn--9caaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.test") << j.dump();
  EXPECT_EQ(j["dmarc"]["result"], "none");
  EXPECT_TRUE(j["dmarc"]["from_problem"].is_null());
}

// "bank" and a soft hyphen (U+00AD), which UTS #46 maps away: a reader may be shown bank.test
// either way. Written in UTF-8 it is judged as bank.test; its A-label, xn--bank-tga, was looked
// up as written and found no policy (dmarc=none, accepted). It is no valid A-label, and is
// refused as a U-label with a disallowed code point is.
TEST_F(CheckFromSpoofing, ALabelThatALookupRefusesIsRefused) {
  auto j = check("From: user@bank\xc2\xad.test\r\n");
  EXPECT_EQ(j["dmarc"]["from_domain"], "bank.test") << j.dump();
  EXPECT_EQ(j["action"], "reject");
  expect_unusable("From: Bank <user@xn--bank-tga.test>\r\n",
                  "\"xn--bank-tga\" is not a valid A-label (it decodes to U+00AD");
  expect_unusable("From: user@mail.XN--BANK-TGA.test\r\n", "\"xn--bank-tga\"");
  expect_unusable("From: user@xn--ls8h.test\r\n", "U+1F4A9");
  // A valid A-label is evaluated as written.
  j = check("From: user@xn--bcher-kva.test\r\n");
  EXPECT_EQ(j["dmarc"]["from_domain"], "xn--bcher-kva.test") << j.dump();
  EXPECT_EQ(j["dmarc"]["result"], "none");
  EXPECT_TRUE(j["dmarc"]["from_problem"].is_null());
}

// The root dot is refused however it is written: "bank.test。" was evaluated as bank.test while
// "bank.test." was unusable.
TEST_F(CheckFromSpoofing, RootDotIsRefusedHoweverWritten) {
  expect_unusable("From: user@bank.test.\r\n", "empty label in domain");
  expect_unusable("From: user@bank.test\xe3\x80\x82\r\n", "ends with U+3002");
}

}  // namespace
}  // namespace senderauth::testing
