// Writing Authentication-Results: quoting, escaping of untrusted text, folding, limits.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "senderauth/authres/format.hpp"
#include "senderauth/authres/parser.hpp"

namespace senderauth::authres {
namespace {

std::vector<std::string> lines_of(const std::string& field) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < field.size()) {
    auto end = field.find("\r\n", start);
    EXPECT_NE(end, std::string::npos) << "field must end in CRLF";
    if (end == std::string::npos) break;
    lines.push_back(field.substr(start, end - start));
    start = end + 2;
  }
  return lines;
}

// Unfolds a formatted field and parses its value strictly.
AuthResults reparse(const std::string& field) {
  std::string value = field.substr(kFieldName.size() + 1);
  auto parsed = parse_authres(value, ParseOptions{.strict = true});
  EXPECT_TRUE(parsed.ok()) << (parsed ? "" : parsed.reason()) << "\n" << field;
  return parsed ? *parsed : AuthResults{};
}

TEST(AuthresFormat, NoClausesIsNone) {
  auto field = format_field(AuthResults{"mx.example.org", std::nullopt, {}});
  ASSERT_TRUE(field.ok()) << field.reason();
  EXPECT_EQ(*field, "Authentication-Results: mx.example.org; none\r\n");
}

TEST(AuthresFormat, VersionIsWrittenWhenSet) {
  auto field = format_field(AuthResults{"example.org", 1u, {}});
  ASSERT_TRUE(field.ok());
  EXPECT_EQ(*field, "Authentication-Results: example.org 1; none\r\n");
}

TEST(AuthresFormat, ShortFieldStaysOnOneLine) {
  AuthResults ar{
      "example.com", std::nullopt, {make_spf_clause("pass", SpfScope::mailfrom, "example.net")}};
  auto field = format_field(ar);
  ASSERT_TRUE(field.ok());
  EXPECT_EQ(*field, "Authentication-Results: example.com; spf=pass smtp.mailfrom=example.net\r\n");
}

TEST(AuthresFormat, LongFieldPutsEachResinfoOnItsOwnLine) {
  AuthResults ar{"example.com", std::nullopt, {}};
  ar.clauses.push_back(
      make_dkim_clause({.result = "pass", .domain = "example.com", .identity = "@example.com"}));
  ar.clauses.push_back(
      make_dmarc_clause("pass", "example.com", "reject", "Used From Domain Record"));
  auto field = format_field(ar);
  ASSERT_TRUE(field.ok());
  EXPECT_EQ(*field,
            "Authentication-Results: example.com;\r\n"
            "  dkim=pass header.d=example.com header.i=@example.com;\r\n"
            "  dmarc=pass (Used From Domain Record) header.from=example.com\r\n"
            "    policy.dmarc=reject\r\n");
  EXPECT_EQ(reparse(*field).clauses, ar.clauses);
}

TEST(AuthresFormat, LinesStayUnder78ColumnsAndUnfoldToTheSameValues) {
  AuthResults ar{"mx.receiver.example", std::nullopt, {}};
  ar.clauses.push_back(
      make_iprev_clause("pass", *IpAddress::parse("192.0.2.10"), "mail.sender.example"));
  ar.clauses.push_back(make_spf_clause("pass", SpfScope::helo, "mail.sender.example"));
  ar.clauses.push_back(make_spf_clause("softfail", SpfScope::mailfrom,
                                       "very.long.local.part+tag@sub.domain.sender.example",
                                       "domain of transitioning sender does not designate "
                                       "192.0.2.10 as permitted sender"));
  Clause dkim = make_dkim_clause({.result = "fail",
                                  .domain = "sender.example",
                                  .identity = "@sender.example",
                                  .selector = "sel2026",
                                  .algorithm = "rsa-sha256",
                                  .b_prefix = "AbC/dE+f"});
  dkim.reason =
      "body hash did not verify: the body was changed after signing, probably "
      "by a mailing list footer";
  ar.clauses.push_back(dkim);
  ar.clauses.push_back(make_arc_clause("pass", 0, IpAddress::parse("192.0.2.10").value(),
                                       {"lists.example", "sender.example"}, "i=2"));
  ar.clauses.push_back(make_dmarc_clause("pass", "sender.example", "quarantine"));
  auto field = format_field(ar);
  ASSERT_TRUE(field.ok()) << field.reason();
  for (const auto& line : lines_of(*field)) {
    EXPECT_LE(line.size(), 78u) << line;
    EXPECT_FALSE(line.find_first_not_of(' ') == std::string::npos) << "blank line";
  }
  AuthResults back = reparse(*field);
  EXPECT_EQ(back.authserv_id, "mx.receiver.example");
  EXPECT_EQ(back.clauses, ar.clauses);
}

TEST(AuthresFormat, ValuesThatAreNotTokensAreQuoted) {
  Clause c;
  c.method = "dkim";
  c.result = "pass";
  c.add_property("header", "b", "gfT/i2HB");
  c.add_property("header", "i", "@example.com");
  c.add_property("header", "i", "user.name+tag@example.com");
  c.add_property("smtp", "mailfrom", "");
  c.add_property("header", "x", "two words");
  c.add_property("header", "y", "say \"hi\" \\o/");
  auto text = format_clause(c);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text,
            "dkim=pass header.b=\"gfT/i2HB\" header.i=@example.com "
            "header.i=user.name+tag@example.com smtp.mailfrom=\"\" header.x=\"two words\" "
            "header.y=\"say \\\"hi\\\" \\\\o/\"");
  auto back = parse_clause(*text, ParseOptions{.strict = true});
  ASSERT_TRUE(back.ok()) << back.reason();
  EXPECT_EQ(back->properties, c.properties);
}

TEST(AuthresFormat, MailboxBeyondDnsLimitsIsQuotedSoItReadsBack) {
  // Found by fuzz_authres_parser: a 78-octet label is syntax-valid for the writer's grammar but
  // not a DNS name, so the strict reader refused the bare form.
  const std::string address = "a@" + std::string(78, '4') + "example.test";
  AuthResults results;
  results.authserv_id = "mx.example.org";
  Clause c;
  c.method = "spf";
  c.result = "pass";
  c.add_property("smtp", "mailfrom", address);
  results.clauses.push_back(c);
  auto field = format_field(results);
  ASSERT_TRUE(field.ok());
  EXPECT_NE(field->find("smtp.mailfrom=\"" + address + "\""), std::string::npos) << *field;
  const AuthResults back = reparse(*field);
  ASSERT_EQ(back.clauses.size(), 1u);
  EXPECT_EQ(back.clauses[0].properties, c.properties);
}

// RFC 8601's pvalue is [local-part "@"] domain-name: an address keeps that form, so that
// readers taking the value for an address get one. A local part that is not a dot-atom is left
// out: quoted, as RFC 8601 allows, it made SpamAssassin drop the whole field (dmarc=fail with
// it) for an attacker's MAIL FROM "x"@attacker.example.
TEST(AuthresFormat, AddressesWhoseLocalPartIsNoDotAtomKeepTheirDomain) {
  struct Case {
    std::string value, written, read_back;
  };
  const Case cases[] = {
      {"\"john doe\"@example.com", "@example.com", "@example.com"},
      {"\"x\"@attacker.example", "@attacker.example", "@attacker.example"},
      {"a;b=c@example.com", "@example.com", "@example.com"},
      {"say \"hi\"@example.com", "@example.com", "@example.com"},
      {std::string(kMaxValueLength - 15, 'x') + " y@example.com", "@example.com", "@example.com"},
      {"user.name+tag@example.com", "user.name+tag@example.com", "user.name+tag@example.com"},
      {"a b@not a domain", "\"a b@not a domain\"", "a b@not a domain"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.value);
    Clause clause;
    clause.method = "spf";
    clause.result = "pass";
    clause.add_property("smtp", "mailfrom", c.value);
    auto text = format_clause(clause);
    ASSERT_TRUE(text.ok());
    EXPECT_EQ(*text, "spf=pass smtp.mailfrom=" + c.written);
    auto back = parse_clause(*text, ParseOptions{.strict = true});
    ASSERT_TRUE(back.ok()) << back.reason();
    EXPECT_EQ(back->properties[0].value, c.read_back);
    EXPECT_EQ(format_clause(*back).value(), *text);  // and writes back unchanged
  }
}

// In an internationalised message (RFC 6532) UTF-8 is atext: the address is written whole.
TEST(AuthresFormat, Utf8LocalPartIsADotAtomWhereUtf8IsAllowed) {
  AuthResults results;
  results.authserv_id = "mx.example.net";
  Clause clause;
  clause.method = "spf";
  clause.result = "pass";
  clause.add_property("smtp", "mailfrom", "j\xc3\xb6rg@example.com");
  results.clauses.push_back(clause);
  auto utf8 = format_field(results, FormatOptions{.allow_utf8 = true});
  ASSERT_TRUE(utf8.ok());
  EXPECT_NE(utf8->find("smtp.mailfrom=j\xc3\xb6rg@example.com"), std::string::npos) << *utf8;
  auto ascii = format_field(results, FormatOptions{});
  ASSERT_TRUE(ascii.ok());
  EXPECT_NE(ascii->find("smtp.mailfrom=j??rg@example.com"), std::string::npos) << *ascii;
}

TEST(AuthresFormat, ReasonIsQuotedWhenNeeded) {
  Clause c;
  c.method = "dkim";
  c.result = "fail";
  c.reason = "bad signature";
  EXPECT_EQ(*format_clause(c), "dkim=fail reason=\"bad signature\"");
  c.reason = "expired";
  EXPECT_EQ(*format_clause(c), "dkim=fail reason=expired");
}

// A comment is written without quoted-pairs: SpamAssassin takes "\\(" for an opening
// parenthesis, finds the comment never ends and drops the whole field, dmarc=fail included.
// Parentheses that pair up stay (a nested comment); one that does not, as a HELO such as
// "mx(.evil.example" brings, becomes a bracket, and a backslash a slash.
TEST(AuthresFormat, CommentsHaveNoQuotedPairs) {
  const std::pair<std::string, std::string> cases[] = {
      {"bad (nested) \\ text", "bad (nested) / text"},
      {"no SPF record at mx(.evil.example", "no SPF record at mx[.evil.example"},
      {"no SPF record at mx).evil.example", "no SPF record at mx].evil.example"},
      {"included domain has no SPF record (no SPF record at a(b)",
       "included domain has no SPF record [no SPF record at a(b)"},
      {")(a (b) c((", "][a (b) c[["},
      {"key revoked (empty p=)", "key revoked (empty p=)"},
      {"x\\)", "x/]"},
  };
  for (const auto& [comment, written] : cases) {
    Clause c;
    c.method = "spf";
    c.result = "permerror";
    c.comment = comment;
    auto text = format_clause(c);
    ASSERT_TRUE(text.ok());
    EXPECT_EQ(*text, "spf=permerror (" + written + ")");
    EXPECT_EQ(text->find('\\'), std::string::npos) << *text;
    auto back = parse_clause(*text, ParseOptions{.strict = true});
    ASSERT_TRUE(back.ok()) << *text;
    EXPECT_EQ(back->comment, written);
    EXPECT_EQ(escape_comment(comment), written);
  }
}

TEST(AuthresFormat, HeaderInjectionIsImpossible) {
  AuthResults ar{"mx.example.org", std::nullopt, {}};
  Clause c = make_spf_clause("fail", SpfScope::helo, "evil\r\nX-Injected: yes\r\n\r\nbody",
                             "exp=\r\nBcc: victim@example.com\x01\x7f");
  c.reason = "line1\nline2\rline3\ttab\0nul";
  ar.clauses.push_back(c);
  auto field = format_field(ar);
  ASSERT_TRUE(field.ok());
  // The only CR/LF are the folds and the final line ending, each followed by a space or the end.
  for (std::size_t i = 0; i < field->size(); ++i) {
    unsigned char ch = static_cast<unsigned char>((*field)[i]);
    if (ch == '\r') {
      ASSERT_EQ((*field)[i + 1], '\n');
      ASSERT_TRUE(i + 2 == field->size() || (*field)[i + 2] == ' ') << *field;
    } else if (ch != '\n') {
      ASSERT_TRUE(ch >= 0x20 && ch < 0x7f) << "byte " << int(ch) << " at " << i;
    }
  }
  AuthResults back = reparse(*field);
  ASSERT_EQ(back.clauses.size(), 1u);
  EXPECT_EQ(back.clauses[0].properties[0].value, "evil X-Injected: yes body");
  EXPECT_EQ(back.clauses[0].comment, "exp= Bcc: victim@example.com");
}

TEST(AuthresFormat, NonAsciiBecomesQuestionMarksUnlessUtf8Allowed) {
  EXPECT_EQ(sanitize_value("Pel\xc3\xa9"), "Pel??");
  EXPECT_EQ(sanitize_value("Pel\xc3\xa9", true), "Pel\xc3\xa9");
  EXPECT_EQ(sanitize_value("bad\xc3(", true), "bad?(");    // truncated sequence
  EXPECT_EQ(sanitize_value("\xed\xa0\x80", true), "???");  // surrogate
  EXPECT_EQ(sanitize_value("\xc0\xaf", true), "??");       // overlong
  EXPECT_EQ(sanitize_value("  a \t\r\n b  "), "a b");
  // Unicode controls are spaces too, as C0 is: U+2028 and NEL start a line to some readers.
  EXPECT_EQ(sanitize_value("mx\xe2\x80\xa8"
                           "Authentication-Results: x\xc2\x85y",
                           true),
            "mx Authentication-Results: x y");
  EXPECT_EQ(sanitize_value("a\xe2\x80\xae"
                           "b\xc2\x9b",
                           true),
            "a b");
}

TEST(AuthresFormat, ValuesAreCutAtTheLimit) {
  std::string huge(10000, 'a');
  EXPECT_EQ(sanitize_value(huge).size(), kMaxValueLength);
  std::string utf8;
  for (int i = 0; i < 300; ++i) utf8 += "\xc3\xa9";
  std::string cut = sanitize_value(utf8, true);
  EXPECT_LE(cut.size(), kMaxValueLength);
  EXPECT_EQ(cut.size() % 2, 0u) << "cut inside a UTF-8 sequence";
}

// Clean values are written in place and others through sanitize_value(): the field must not
// tell the two paths apart.
TEST(AuthresFormat, WrittenValuesAreTheSanitisedValues) {
  const std::vector<std::string> values = {
      "plain",
      "two words",
      "double  space",
      " leading",
      "trailing ",
      "tab\there",
      "del\x7f",
      "caf\xc3\xa9",
      std::string(kMaxValueLength, 'a'),
      std::string(kMaxValueLength + 1, 'b'),
      std::string(kMaxValueLength - 1, 'c') + " d",
  };
  for (const auto& value : values) {
    AuthResults ar{"mx.example.org", std::nullopt, {}};
    Clause c;
    c.method = "x-test";
    c.result = "pass";
    c.comment = value;
    c.reason = value;
    c.add_property("header", "x", value);
    ar.clauses.push_back(c);
    auto field = format_field(ar);
    ASSERT_TRUE(field.ok()) << field.reason();
    const AuthResults back = reparse(*field);
    ASSERT_EQ(back.clauses.size(), 1u);
    const std::string want = sanitize_value(value);
    EXPECT_EQ(back.clauses[0].reason, want) << value;
    ASSERT_EQ(back.clauses[0].properties.size(), 1u);
    EXPECT_EQ(back.clauses[0].properties[0].value, want) << value;
  }
}

TEST(AuthresFormat, UnbreakableWordsGetTheirOwnLineBelow998) {
  AuthResults ar{"mx.example.org", std::nullopt, {}};
  Clause c = make_spf_clause("pass", SpfScope::mailfrom, std::string(5000, '\\'));
  c.comment = std::string(3000, 'x');
  ar.clauses.push_back(c);
  auto field = format_field(ar);
  ASSERT_TRUE(field.ok());
  for (const auto& line : lines_of(*field)) EXPECT_LE(line.size(), 998u);
  EXPECT_EQ(reparse(*field).clauses[0].properties[0].value, std::string(kMaxValueLength, '\\'));
}

TEST(AuthresFormat, LfLineEndingForDisplay) {
  AuthResults ar{"example.com",
                 std::nullopt,
                 {make_dmarc_clause("fail", "example.com", "reject", "p=reject")}};
  ar.clauses.push_back(make_spf_clause("fail", SpfScope::mailfrom, "someone@example.com"));
  auto field = format_field(ar, FormatOptions{.line_ending = "\n"});
  ASSERT_TRUE(field.ok());
  EXPECT_EQ(field->find('\r'), std::string::npos);
  EXPECT_EQ(field->back(), '\n');
}

TEST(AuthresFormat, FormatValueIsTheFieldBody) {
  AuthResults ar{"example.com", std::nullopt, {}};
  auto value = format_value(ar);
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, " example.com; none");
}

TEST(AuthresFormat, RejectsWhatCannotBeWritten) {
  EXPECT_FALSE(format_field(AuthResults{}).ok());
  EXPECT_FALSE(format_field(AuthResults{"mx.example.org\r\nX: y", std::nullopt, {}}).ok());
  EXPECT_FALSE(format_field(AuthResults{"two words", std::nullopt, {}}).ok());
  Clause bad;
  bad.method = "spf pass";
  bad.result = "pass";
  EXPECT_FALSE(format_field(AuthResults{"mx", std::nullopt, {bad}}).ok());
  bad.method = "spf";
  bad.result = "";
  EXPECT_FALSE(format_clause(bad).ok());
  bad.result = "pass";
  bad.add_property("smtp.x", "mailfrom", "a");
  EXPECT_FALSE(format_clause(bad).ok());
  bad.properties.clear();
  bad.method_version = "1a";
  EXPECT_FALSE(format_clause(bad).ok());

  AuthResults many{"mx", std::nullopt, {}};
  for (std::size_t i = 0; i <= kMaxClauses; ++i) {
    many.clauses.push_back(make_dkim_clause({.result = "pass", .domain = "example.com"}));
  }
  auto r = format_field(many);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.reason().find("more than 64"), std::string::npos) << r.reason();
  many.clauses.pop_back();
  EXPECT_TRUE(format_field(many).ok());

  Clause props = make_dkim_clause({.result = "pass"});
  for (std::size_t i = 0; i <= kMaxProperties; ++i) props.add_property("header", "x", "1");
  EXPECT_FALSE(format_clause(props).ok());
}

// What a configured authserv-id must be (RFC 8601 2.2 value, written as a token: in practice a
// host name); the error names the first offending byte.
TEST(AuthresFormat, CheckAuthservId) {
  for (const std::string& id :
       std::vector<std::string>{"mx.example.org", "MX-1.example.org.", "localhost", "a_b",
                                std::string(kMaxAuthservIdLength, 'a')}) {
    EXPECT_TRUE(check_authserv_id(id).ok()) << id;
  }
  const std::pair<std::string, std::string> refused[] = {
      {"", "empty"},
      {std::string(kMaxAuthservIdLength + 1, 'a'), "longer than 255 octets"},
      {"mx rcv", "a space at offset 2"},
      {"mx.rcv.test\r\nX-Injected: yes", "control character byte 0x0d at offset 11"},
      {"mx\tb", "control character byte 0x09 at offset 2"},
      {"mx;b", "';' (an RFC 2045 tspecial) at offset 2"},
      {"mx.example.org/x", "'/' (an RFC 2045 tspecial) at offset 14"},
      {"\"mx\"", "'\"' (an RFC 2045 tspecial) at offset 0"},
      {"mx.b\xc3\xbc"
       "cher.example",
       "non-ASCII byte 0xc3 (write a host name in A-labels) at offset 4"},
  };
  for (const auto& [id, reason] : refused) {
    const auto checked = check_authserv_id(id);
    ASSERT_FALSE(checked.ok()) << id;
    EXPECT_EQ(checked.reason(), reason) << id;
  }
}

TEST(AuthresFormat, MethodHelpers) {
  auto mapped = IpAddress::parse("::ffff:192.0.2.1");
  ASSERT_TRUE(mapped.ok());
  EXPECT_EQ(*format_clause(make_iprev_clause("pass", *mapped, "mail.example.com")),
            "iprev=pass (mail.example.com) policy.iprev=192.0.2.1");
  EXPECT_EQ(*format_clause(make_iprev_clause("permerror", *IpAddress::parse("2001:db8::1"))),
            "iprev=permerror policy.iprev=\"2001:db8::1\"");
  EXPECT_EQ(*format_clause(make_spf_clause("none", SpfScope::helo, "mail.example.com")),
            "spf=none smtp.helo=mail.example.com");
  EXPECT_EQ(*format_clause(make_dkim_clause({.result = "pass",
                                             .domain = "example.com",
                                             .identity = "@example.com",
                                             .selector = "sel",
                                             .algorithm = "rsa-sha256",
                                             .b_prefix = "AbCdEfGh",
                                             .comment = "2048-bit key"})),
            "dkim=pass (2048-bit key) header.d=example.com header.i=@example.com header.s=sel "
            "header.a=rsa-sha256 header.b=AbCdEfGh");
  EXPECT_EQ(*format_clause(make_arc_clause("pass", 0, IpAddress::parse("192.0.2.1").value(),
                                           {"lists.example", "d1.example"}, "i=2")),
            "arc=pass (i=2) header.oldest-pass=0 smtp.remote-ip=192.0.2.1 "
            "arc.chain=\"lists.example:d1.example\"");
  EXPECT_EQ(*format_clause(make_arc_clause("none", std::nullopt, std::nullopt)), "arc=none");
  EXPECT_EQ(*format_clause(make_dmarc_clause("fail", "example.com", "reject")),
            "dmarc=fail header.from=example.com policy.dmarc=reject");
  EXPECT_EQ(*format_clause(make_dmarc_clause("none", "")), "dmarc=none");
}

}  // namespace
}  // namespace senderauth::authres
