#include <gtest/gtest.h>

#include <string>

#include "senderauth/message/address.hpp"
#include "senderauth/message/address_encoded_word.hpp"

namespace senderauth::message {
namespace {

Mailbox only(std::string_view value) {
  auto list = parse_address_list(value);
  EXPECT_TRUE(list.ok()) << value << ": " << (list.ok() ? "" : list.reason());
  if (!list.ok() || list->mailboxes.size() != 1) {
    ADD_FAILURE() << "expected one mailbox in " << value;
    return {};
  }
  return list->mailboxes.front();
}

TEST(AddressParser, BareAddrSpec) {
  const Mailbox m = only("joe@example.com");
  EXPECT_EQ(m.local_part, "joe");
  EXPECT_EQ(m.domain, "example.com");
  EXPECT_EQ(m.display_name, "");
}

TEST(AddressParser, DisplayNameWithAngleAddr) {
  const Mailbox m = only(" Joe Q. Public <john.q.public@Example.COM>");
  EXPECT_EQ(m.display_name, "Joe Q. Public");
  EXPECT_EQ(m.local_part, "john.q.public");
  EXPECT_EQ(m.domain, "example.com");
}

TEST(AddressParser, QuotedDisplayNameWithCommaAndAngles) {
  const Mailbox m = only("\"Johnson, Joe <evil@attacker.example>\" <joe@example.org>");
  EXPECT_EQ(m.display_name, "Johnson, Joe <evil@attacker.example>");
  EXPECT_EQ(m.domain, "example.org");
}

TEST(AddressParser, QuotedPairsInDisplayName) {
  const Mailbox m = only(R"("a \"quoted\" \\ name" <a@example.net>)");
  EXPECT_EQ(m.display_name, R"(a "quoted" \ name)");
}

TEST(AddressParser, NestedComments) {
  const Mailbox m = only(
      "(outer (inner (deepest) x) y) Pete(A nice \\) chap) <pete(his account)@silly.test(his "
      "host)>");
  EXPECT_EQ(m.display_name, "Pete");
  EXPECT_EQ(m.local_part, "pete");
  EXPECT_EQ(m.domain, "silly.test");
}

TEST(AddressParser, CommentTooDeepIsAnError) {
  std::string value = "a@example.com ";
  for (int i = 0; i < 20; ++i) value += "(";
  for (int i = 0; i < 20; ++i) value += ")";
  auto list = parse_address_list(value);
  ASSERT_FALSE(list.ok());
  EXPECT_NE(list.reason().find("nested"), std::string::npos);
}

TEST(AddressParser, UnterminatedCommentAndQuote) {
  EXPECT_FALSE(parse_address_list("a@example.com (oops").ok());
  EXPECT_FALSE(parse_address_list("\"oops <a@example.com>").ok());
}

TEST(AddressParser, QuotedLocalPart) {
  const Mailbox m = only("\"john doe\"@example.com");
  EXPECT_EQ(m.local_part, "john doe");
  EXPECT_EQ(m.address(), "\"john doe\"@example.com");
}

TEST(AddressParser, Groups) {
  auto list = parse_address_list(
      "A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;, Mary <mary@x.test>");
  ASSERT_TRUE(list.ok()) << list.reason();
  ASSERT_EQ(list->mailboxes.size(), 4u);
  EXPECT_EQ(list->groups, 1u);
  EXPECT_EQ(list->mailboxes[0].group, "A Group");
  EXPECT_EQ(list->mailboxes[2].domain, "one.test");
  EXPECT_EQ(list->mailboxes[3].group, "");
}

TEST(AddressParser, EmptyGroup) {
  auto list = parse_address_list("Undisclosed recipients:;");
  ASSERT_TRUE(list.ok()) << list.reason();
  EXPECT_TRUE(list->mailboxes.empty());
  EXPECT_EQ(list->groups, 1u);
}

TEST(AddressParser, UnclosedGroupAtEndIsADefect) {
  auto list = parse_address_list("Mail From:<joe@joe.test>");
  ASSERT_TRUE(list.ok()) << list.reason();
  ASSERT_EQ(list->mailboxes.size(), 1u);
  EXPECT_EQ(list->mailboxes[0].domain, "joe.test");
  EXPECT_FALSE(list->defects.empty());
}

TEST(AddressParser, GroupInsideGroupIsAnError) {
  EXPECT_FALSE(parse_address_list("a: b: c@d.test;;").ok());
}

TEST(AddressParser, ObsoleteRouteAndEmptyElements) {
  auto list = parse_address_list(",, <@route1.test,@route2.test:joe@example.com> ,,");
  ASSERT_TRUE(list.ok()) << list.reason();
  ASSERT_EQ(list->mailboxes.size(), 1u);
  EXPECT_EQ(list->mailboxes[0].domain, "example.com");
}

TEST(AddressParser, ObsoleteCfwsAroundDots) {
  const Mailbox m = only("joe . q @ mail . example . com");
  EXPECT_EQ(m.local_part, "joe.q");
  EXPECT_EQ(m.domain, "mail.example.com");
}

TEST(AddressParser, FoldedValue) {
  const Mailbox m = only("\r\n \"Folded\r\n Name\"\r\n\t<f@example.com>");
  EXPECT_EQ(m.display_name, "Folded Name");
  EXPECT_EQ(m.domain, "example.com");
}

TEST(AddressParser, MissingDotBetweenLocalWordsIsADefect) {
  auto list = parse_address_list("\"( bob)\" joe@joe.test");
  ASSERT_TRUE(list.ok()) << list.reason();
  ASSERT_EQ(list->mailboxes.size(), 1u);
  EXPECT_EQ(list->mailboxes[0].domain, "joe.test");
  EXPECT_FALSE(list->defects.empty());
}

// Broken mailers write the address as its own display name, unquoted. Accepted when both are
// in one domain (DMARC judges that domain whichever a reader shows); across domains it is the
// shape of a forgery and stays an error.
TEST(AddressParser, BareAddressBeforeAngleAddressInTheSameDomain) {
  for (std::string value :
       {"noreply@Example.com <noreply@example.com>", "noreply@example.com<noreply@example.com>",
        "alerts@example.com (bot) <noreply@example.com>"}) {
    auto list = parse_address_list(value);
    ASSERT_TRUE(list.ok()) << value << ": " << list.reason();
    ASSERT_EQ(list->mailboxes.size(), 1u) << value;
    EXPECT_EQ(list->mailboxes[0].domain, "example.com");
    EXPECT_EQ(list->mailboxes[0].local_part, "noreply");
    ASSERT_EQ(list->defects.size(), 1u) << value;
    EXPECT_NE(list->defects[0].find("written before its angle address"), std::string::npos);
  }
  auto two = parse_address_list("a@example.com <a@example.com>, b@example.org");
  ASSERT_TRUE(two.ok()) << two.reason();
  EXPECT_EQ(two->mailboxes.size(), 2u);

  auto forged = parse_address_list("ceo@bank.example <x@attacker.example>");
  ASSERT_FALSE(forged.ok());
  EXPECT_NE(forged.reason().find("address ceo@bank.example before an angle address in another "
                                 "domain"),
            std::string::npos)
      << forged.reason();
  EXPECT_FALSE(parse_address_list("a@example.com <a@example.com").ok());  // unterminated
  EXPECT_FALSE(parse_address_list("a@example.com <a@example.com> x").ok());
}

// Sending software that does not quote a comma in a display name writes "Smith, Alice
// <alice@d>" (Symfony Mime did until 2021). The words before the comma name no mailbox.
TEST(AddressParser, DisplayNameWordsWithoutAnAddressBeforeACommaAreSkipped) {
  for (std::string value :
       {"Smith, Alice <alice@example.com>", "Alice S. Smith, PhD <alice@example.com>",
        "Smith (sales), <alice@example.com>", "\"Smith\" Jr, Alice <alice@example.com>",
        "Team: Smith, Alice <alice@example.com>;"}) {
    auto list = parse_address_list(value);
    ASSERT_TRUE(list.ok()) << value << ": " << list.reason();
    ASSERT_EQ(list->mailboxes.size(), 1u) << value;
    EXPECT_EQ(list->mailboxes[0].address(), "alice@example.com") << value;
    ASSERT_EQ(list->defects.size(), 1u) << value;
    EXPECT_NE(list->defects[0].find("without an address"), std::string::npos) << value;
  }
  EXPECT_EQ(only("Smith, Alice <alice@example.com>").display_name, "Alice");
  auto two = parse_address_list("Smith, Alice <alice@example.com>, bob@example.org");
  ASSERT_TRUE(two.ok()) << two.reason();
  EXPECT_EQ(two->mailboxes.size(), 2u);

  // Words a reader could show as an address are not skipped: an '@' in a quoted word, or an
  // encoded word (this one decodes to "ceo@bank.example").
  for (std::string value : {"\"ceo@bank.example\", Alice <x@attacker.example>",
                            "=?utf-8?q?ceo=40bank.example?=, Alice <x@attacker.example>"}) {
    auto list = parse_address_list(value);
    ASSERT_FALSE(list.ok()) << value;
    EXPECT_NE(list.reason().find("unexpected ','"), std::string::npos) << list.reason();
  }
  // Words with no address at all are still no address.
  EXPECT_FALSE(parse_address_list("Smith,").ok());
  EXPECT_FALSE(parse_address_list("Smith, Alice").ok());
  EXPECT_FALSE(parse_address_list("alice@example.com, Smith").ok());
}

// Gateways tag senders in their display names: "[External] Alice <alice@d>".
TEST(AddressParser, BracketedWordsInADisplayName) {
  for (std::string value : {"[External] Alice <alice@example.com>",
                            "Alice [Sales Team] <alice@example.com>", "[EXT]<alice@example.com>"}) {
    auto list = parse_address_list(value);
    ASSERT_TRUE(list.ok()) << value << ": " << list.reason();
    ASSERT_EQ(list->mailboxes.size(), 1u) << value;
    EXPECT_EQ(list->mailboxes[0].address(), "alice@example.com") << value;
    ASSERT_EQ(list->defects.size(), 1u) << value;
    EXPECT_EQ(list->defects[0], "'[' in a display name");
  }
  EXPECT_EQ(only("[External] Alice <alice@example.com>").display_name, "[External] Alice");
  EXPECT_EQ(only("Alice [Sales Team] <alice@example.com>").display_name, "Alice [Sales Team]");
  // Brackets only before an angle address, and nothing address-like between them.
  for (std::string value :
       {"[External] alice@example.com", "[ceo@bank.example] <x@attacker.example>",
        "[a<b] <x@example.com>", "[unterminated <x@example.com>", "[a\"b] <x@example.com>",
        "[a] b, <x@example.com>"}) {
    auto list = parse_address_list(value);
    ASSERT_FALSE(list.ok()) << value;
    EXPECT_NE(list.reason().find("unexpected '['"), std::string::npos) << list.reason();
  }
}

TEST(AddressParser, SemicolonAfterTheLastAddress) {
  for (std::string value : {"Alice <alice@example.com>;", "alice@example.com ; (end)\r\n"}) {
    auto list = parse_address_list(value);
    ASSERT_TRUE(list.ok()) << value << ": " << list.reason();
    ASSERT_EQ(list->mailboxes.size(), 1u) << value;
    ASSERT_EQ(list->defects.size(), 1u) << value;
    EXPECT_EQ(list->defects[0], "';' after the last address");
  }
  EXPECT_FALSE(parse_address_list("alice@example.com; bob@example.org").ok());
  EXPECT_FALSE(parse_address_list("alice@example.com;;").ok());
}

// ... but not when a word has an '@': that reads as an address of its own, which Python's
// email package shows as "\"user@bank.test x\"@attacker.test".
TEST(AddressParser, WordWithAtSignIsNotJoinedIntoALocalPart) {
  for (std::string value :
       {"\"user@bank.test\" x@attacker.test", "x \"user@bank.test\"@attacker.test",
        "Bank <\"user@bank.test\" x@attacker.test>"}) {
    auto list = parse_address_list(value);
    ASSERT_FALSE(list.ok()) << value;
    EXPECT_NE(list.reason().find("'@' in a word of a local part not joined by '.'"),
              std::string::npos)
        << list.reason();
  }
  EXPECT_EQ(only("\"user@bank.test\"@attacker.test").local_part, "user@bank.test");
}

// RFC 2047 5 (3): no encoded word in an addr-spec. Readers decode one there all the same:
// Python's email package shows the first value as user@bank.test, where the words joined into
// one local part named attacker.test.
TEST(AddressParser, EncodedWordInALocalPartIsAnError) {
  for (std::string value : {
           "=?utf-8?q?user=40bank.test?= x@attacker.test",
           "=?utf-8?q?user=40bank.test?= =?utf-8?q?x?=@attacker.test",
           "=?utf-8?b?dXNlckBiYW5rLnRlc3Q=?= x@attacker.test",
           "=?utf-8?q?user=40bank.test?=\r\n x@attacker.test",
           "Bank <=?utf-8?q?user=40bank.test?= x@attacker.test>",
           "=?utf-8?q?u=40bank.test?=\"u@bank.test\"@attacker.test",
           "=?utf-8?q?user=40bank.test?=@attacker.test",  // Mailsploit
           "=?utf-8?b?cG90dXNAd2hpdGVob3VzZS5nb3YiPHRlc3Q+AA==?=@attacker.test",
           "\"=?utf-8?q?user=40bank.test?=\"@attacker.test",  // Python decodes it in quotes too
           "x.=?utf-8?q?y?=@attacker.test",
       }) {
    auto list = parse_address_list(value);
    ASSERT_FALSE(list.ok()) << value;
    EXPECT_NE(list.reason().find("encoded word"), std::string::npos) << list.reason();
  }
  // In a display name an encoded word is what RFC 2047 made it for.
  EXPECT_EQ(only("=?utf-8?q?user=40bank.test?= <x@attacker.test>").domain, "attacker.test");
  EXPECT_EQ(only("a=b?c@example.test").local_part, "a=b?c");
}

// A reader that ends a line at a bare CR or LF (Python's email package) sees a new field
// there, such as a From field DMARC would not judge: CR and LF are allowed only as the line
// break of a fold, CRLF or LF before a space or tab, or at the very end.
TEST(AddressParser, LineBreakOnlyAsFolding) {
  for (std::string value : {
           "(\rFrom: Bank <user@bank.test>\r) x@attacker.test",
           "\"\rFrom: Bank <user@bank.test>\r\" <x@attacker.test>",
           "x@attacker.test\rFrom: Bank <user@bank.test>",
           "x@attacker.test\r\rFrom: Bank <user@bank.test>",
           "x@[192.0.2.1\rFrom: Bank <user@bank.test>\r]",
           "\"a\\\rFrom: Bank <user@bank.test>\r\" <x@attacker.test>",
       }) {
    auto list = parse_address_list(value);
    ASSERT_FALSE(list.ok()) << value;
    const std::string& why = list.reason();
    EXPECT_TRUE(why.find("CR") != std::string::npos || why.find("byte 0x0d") != std::string::npos)
        << why;
  }
  for (std::string value : {"x@attacker.test\nFrom: user@bank.test",
                            "x@attacker.test\r\nFrom: user@bank.test", "(a\nb) x@attacker.test"}) {
    auto list = parse_address_list(value);
    ASSERT_FALSE(list.ok()) << value;
    EXPECT_NE(list.reason().find("not part of a folding line break"), std::string::npos)
        << list.reason();
  }
  EXPECT_EQ(only("Name\n <a@b.test>").display_name, "Name");
  EXPECT_EQ(only("(a\r\n b) a@b.test\r\n").domain, "b.test");
  EXPECT_EQ(only("\"a\r\n\tb\"@c.test").local_part, "a\tb");
  EXPECT_EQ(only("a@[192.0.2.1\r\n ]").domain, "[192.0.2.1 ]");
  // CRs before the LF of a line end, or at the end of the value, go with it: PHP's mail() lines
  // through an MTA that turns LF into CRLF end in "\r\r\n"; a reader ending a line at the
  // first CR sees an empty line there, the end of the header, not another field.
  EXPECT_EQ(only("webmaster@php.example\r").domain, "php.example");
  EXPECT_EQ(only("webmaster@php.example\r\r").domain, "php.example");
  EXPECT_EQ(only("=?UTF-8?B?U2hvcA==?=\r\r\n <shop@php.example>").domain, "php.example");
  EXPECT_FALSE(parse_address_list("x@attacker.test\r\r\nFrom: user@bank.test").ok());
}

// RFC 5322's obsolete syntax allows control characters in quotes and comments; a reader may cut
// a string at a NUL and show "user@bank.test" for the first value.
TEST(AddressParser, ControlCharactersInQuotesCommentsAndLiteralsAreErrors) {
  using namespace std::string_literals;
  for (const std::string& value : {
           "\"user@bank.test\0\" <x@attacker.test>"s,
           "\"user@bank.test\\\0\" <x@attacker.test>"s,
           "(user@bank.test\0) x@attacker.test"s,
           "\"a\x01\"@b.test"s,
           "\"a\x7f\"@b.test"s,
           "(a\x1b) a@b.test"s,
           "(a\\\x7f) a@b.test"s,
           "a@[192.0.2.1\0]"s,
       }) {
    auto list = parse_address_list(value);
    ASSERT_FALSE(list.ok()) << value;
    EXPECT_NE(list.reason().find("byte 0x"), std::string::npos) << list.reason();
  }
  EXPECT_EQ(only("\"a\tb\" (c\td) <a@b.test>").display_name, "a\tb");
}

TEST(AddressParser, EncodedWordsInDisplayName) {
  const Mailbox b = only("=?UTF-8?B?QmVkIEJhdGggJiBCZXlvbmQ=?=<BdBth&Byond@example.com>");
  EXPECT_EQ(b.display_name, "Bed Bath & Beyond");
  EXPECT_EQ(b.local_part, "BdBth&Byond");
  const Mailbox q = only("=?iso-8859-1?q?Andr=E9?= =?iso-8859-1?q?_Pirard?= <pirard@vm1.test>");
  EXPECT_EQ(q.display_name, "Andr\xC3\xA9 Pirard");
  const Mailbox mixed = only("Keld =?ISO-8859-1?Q?J=F8rn?= Simonsen <keld@dkuug.test>");
  EXPECT_EQ(mixed.display_name, "Keld J\xC3\xB8rn Simonsen");
}

TEST(AddressParser, EncodedWordInsideQuotesIsNotDecoded) {
  const Mailbox m = only("\"=?UTF-8?B?QQ==?=\" <a@example.com>");
  EXPECT_EQ(m.display_name, "=?UTF-8?B?QQ==?=");
}

TEST(AddressParser, DomainLiteral) {
  const Mailbox m = only("joe@[192.0.2.1]");
  EXPECT_TRUE(m.domain_literal);
  EXPECT_EQ(m.domain, "[192.0.2.1]");
}

TEST(AddressParser, Hyphens) {
  EXPECT_EQ(only("a@my-domain.example").domain, "my-domain.example");
  EXPECT_EQ(only("a@xn--bcher-kva.example").domain, "xn--bcher-kva.example");
  EXPECT_FALSE(parse_address_list("a@-bad.example").ok());
  EXPECT_FALSE(parse_address_list("a@bad-.example").ok());
}

TEST(AddressParser, IdnULabelsKeptAndAsciiLowered) {
  EXPECT_EQ(only("a@B\xC3\xBC"
                 "cher.EXAMPLE")
                .domain,
            "b\xC3\xBC"
            "cher.example");
  EXPECT_FALSE(parse_address_list("a@b\xC3"
                                  "cher.example")
                   .ok());  // broken UTF-8
}

// RFC 1035's 63 and 253 octets are for the name in DNS: a U-label's limit is its A-label's.
TEST(AddressParser, LengthLimitsApplyToALabels) {
  std::string e32;
  for (int i = 0; i < 32; ++i) e32 += "\xc3\xa9";  // 64 octets of UTF-8, a 38-octet A-label
  EXPECT_EQ(only("a@" + e32 + ".test").domain, e32 + ".test");
  auto long_label = parse_address_list("a@" + e32 + e32 + ".test");  // a 70-octet A-label
  ASSERT_FALSE(long_label.ok());
  EXPECT_NE(long_label.reason().find("too large"), std::string::npos) << long_label.reason();
  EXPECT_FALSE(parse_address_list("a@" + std::string(63, 'x') + "\xc3\xa9.test").ok());
  // 7 labels of 38 octets once converted: 276 with the dots.
  std::string seven;
  for (int i = 0; i < 7; ++i) seven += e32 + ".";
  EXPECT_FALSE(parse_address_list("a@" + seven + "test").ok());
  std::string six;
  for (int i = 0; i < 6; ++i) six += e32 + ".";
  EXPECT_TRUE(parse_address_list("a@" + six + "test").ok());  // 6 x 39 + 4 = 238
}

TEST(AddressParser, BadDomains) {
  EXPECT_FALSE(parse_address_list("a@").ok());
  EXPECT_FALSE(parse_address_list("a@example..com").ok());
  EXPECT_FALSE(parse_address_list("a@example.com.").ok());
  EXPECT_FALSE(parse_address_list("a@exa$mple.com").ok());
  EXPECT_FALSE(parse_address_list("a@" + std::string(64, 'x') + ".example").ok());
  std::string long_name;
  for (int i = 0; i < 50; ++i) long_name += "abcde.";
  EXPECT_FALSE(parse_address_list("a@" + long_name + "example").ok());
}

TEST(AddressParser, Garbage) {
  EXPECT_FALSE(parse_address_list("").ok());
  EXPECT_FALSE(parse_address_list("   ").ok());
  EXPECT_FALSE(parse_address_list("\"Test User\"").ok());
  EXPECT_FALSE(parse_address_list("<<<><joe@joe.test>>>").ok());
  EXPECT_FALSE(parse_address_list("<>").ok());
  EXPECT_FALSE(parse_address_list("a@b.test c@d.test").ok());
  EXPECT_FALSE(parse_address_list("Name <a@b.test").ok());
}

TEST(AddressParser, Limits) {
  std::string many;
  for (int i = 0; i < 300; ++i) many += "a@b.test,";
  auto list = parse_address_list(many);
  ASSERT_FALSE(list.ok());
  EXPECT_NE(list.reason().find("mailboxes"), std::string::npos);
  AddressLimits small;
  small.max_input_bytes = 10;
  EXPECT_FALSE(parse_address_list("abcdef@example.com", small).ok());
}

TEST(AddressParser, ErrorsNameThePosition) {
  auto list = parse_address_list("a@b.test; x");
  ASSERT_FALSE(list.ok());
  EXPECT_NE(list.reason().find("offset"), std::string::npos);
}

TEST(EncodedWord, DecodesAndRejects) {
  EXPECT_EQ(decode_encoded_word("=?utf-8?q?a_b=3Dc?=").value_or(""), "a b=c");
  EXPECT_EQ(decode_encoded_word("=?UTF-8*en?B?SGk?=").value_or(""), "Hi");  // no padding
  EXPECT_FALSE(decode_encoded_word("=?utf-8?x?abc?=").has_value());
  EXPECT_FALSE(decode_encoded_word("=?utf-8?q?a=Z1?=").has_value());
  EXPECT_FALSE(decode_encoded_word("plain").has_value());
  EXPECT_FALSE(decode_encoded_word("=?no-such-charset?q?a?=").has_value());
  EXPECT_EQ(decode_encoded_word("=?windows-1252?q?=80?=").value_or(""), "\xE2\x82\xAC");
}

// RFC 2047 2: the encoding letter is case-insensitive ("b" as "B", "q" as "Q"), directly and in a
// display name.
TEST(EncodedWord, EncodingLetterIsCaseInsensitive) {
  EXPECT_EQ(decode_encoded_word("=?utf-8?b?Qm9i?=").value_or(""), "Bob");
  EXPECT_EQ(decode_encoded_word("=?UTF-8?B?Qm9i?=").value_or(""), "Bob");
  EXPECT_EQ(decode_encoded_word("=?utf-8?q?B=6Fb?=").value_or(""), "Bob");
  EXPECT_EQ(decode_encoded_word("=?utf-8?Q?B=6Fb?=").value_or(""), "Bob");
  auto list = parse_address_list("=?utf-8?b?Qm9i?= <bob@example.com>");
  ASSERT_TRUE(list.ok()) << list.reason();
  ASSERT_EQ(list->mailboxes.size(), 1u);
  EXPECT_EQ(list->mailboxes[0].display_name, "Bob");
}

TEST(EncodedWord, Phrase) {
  EXPECT_EQ(decode_phrase("=?utf-8?q?a?= =?utf-8?q?b?= c"), "ab c");
  EXPECT_EQ(decode_phrase("x =?utf-8?q?a?="), "x a");
}

}  // namespace
}  // namespace senderauth::message
