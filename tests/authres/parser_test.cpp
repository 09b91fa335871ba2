// Parsing Authentication-Results: RFC 8601 Appendix B examples, CFWS, version, "none", the
// lenient forms real senders write, errors and limits.
#include <gtest/gtest.h>

#include <string>

#include "senderauth/authres/format.hpp"
#include "senderauth/authres/parser.hpp"

namespace senderauth::authres {
namespace {

const ParseOptions kStrict{.strict = true};

AuthResults parse_ok(std::string_view value, const ParseOptions& options = kStrict) {
  auto r = parse_authres(value, options);
  EXPECT_TRUE(r.ok()) << (r ? "" : r.reason()) << "\n" << value;
  return r ? *r : AuthResults{};
}

std::string prop(const Clause& c, std::string_view ptype, std::string_view name) {
  const Property* p = c.find(ptype, name);
  return p ? p->value : "<missing>";
}

// RFC 8601 B.2: service provided, no authentication done.
TEST(AuthresParse, Rfc8601B2None) {
  AuthResults ar = parse_ok(" example.org 1; none");
  EXPECT_EQ(ar.authserv_id, "example.org");
  EXPECT_EQ(ar.version, 1u);
  EXPECT_TRUE(ar.clauses.empty());
}

// B.3: one SPF result, folded after the authserv-id.
TEST(AuthresParse, Rfc8601B3) {
  AuthResults ar = parse_ok(" example.com;\r\n          spf=pass smtp.mailfrom=example.net");
  EXPECT_EQ(ar.authserv_id, "example.com");
  EXPECT_FALSE(ar.version.has_value());
  ASSERT_EQ(ar.clauses.size(), 1u);
  EXPECT_EQ(ar.clauses[0].method, "spf");
  EXPECT_EQ(ar.clauses[0].result, "pass");
  EXPECT_EQ(prop(ar.clauses[0], "smtp", "mailfrom"), "example.net");
}

// B.4: several results from one MTA, with a comment, and the iprev example.
TEST(AuthresParse, Rfc8601B4) {
  AuthResults ar = parse_ok(
      " example.com;\r\n          auth=pass (cram-md5) smtp.auth=sender@example.net;\r\n"
      "          spf=pass smtp.mailfrom=example.net");
  ASSERT_EQ(ar.clauses.size(), 2u);
  EXPECT_EQ(ar.clauses[0].method, "auth");
  EXPECT_EQ(ar.clauses[0].comment, "cram-md5");
  EXPECT_EQ(prop(ar.clauses[0], "smtp", "auth"), "sender@example.net");
  EXPECT_EQ(prop(ar.clauses[1], "smtp", "mailfrom"), "example.net");

  AuthResults iprev = parse_ok(" example.com; iprev=pass\r\n          policy.iprev=192.0.2.200");
  ASSERT_EQ(iprev.clauses.size(), 1u);
  EXPECT_EQ(iprev.clauses[0].method, "iprev");
  EXPECT_EQ(prop(iprev.clauses[0], "policy", "iprev"), "192.0.2.200");
}

// B.5: results added at different MTAs.
TEST(AuthresParse, Rfc8601B5) {
  AuthResults ar = parse_ok(
      " example.com;\r\n          dkim=pass (good signature) "
      "header.d=example.com");
  ASSERT_EQ(ar.clauses.size(), 1u);
  EXPECT_EQ(ar.clauses[0].comment, "good signature");
  EXPECT_EQ(prop(ar.clauses[0], "header", "d"), "example.com");
  AuthResults two = parse_ok(
      " example.com;\r\n          auth=pass (cram-md5) "
      "smtp.auth=sender@example.com;\r\n          spf=fail "
      "smtp.mailfrom=example.com");
  ASSERT_EQ(two.clauses.size(), 2u);
  EXPECT_EQ(two.clauses[1].result, "fail");
}

// B.6: reasonspec with quoted strings, header.i=@domain.
TEST(AuthresParse, Rfc8601B6) {
  AuthResults ar = parse_ok(
      " example.com;\r\n      dkim=pass reason=\"good signature\"\r\n"
      "        header.i=@mail-router.example.net;\r\n      dkim=fail reason=\"bad signature\"\r\n"
      "        header.i=@newyork.example.com");
  ASSERT_EQ(ar.clauses.size(), 2u);
  EXPECT_EQ(ar.clauses[0].reason, "good signature");
  EXPECT_EQ(prop(ar.clauses[0], "header", "i"), "@mail-router.example.net");
  EXPECT_EQ(ar.clauses[1].result, "fail");
  EXPECT_EQ(ar.clauses[1].reason, "bad signature");
  EXPECT_EQ(prop(ar.clauses[1], "header", "i"), "@newyork.example.com");
}

// B.7: comments everywhere CFWS may be, method-version, version.
TEST(AuthresParse, Rfc8601B7CommentHeavy) {
  AuthResults ar = parse_ok(
      " foo.example.net (foobar) 1 (baz);\r\n"
      "    dkim (Because I like it) / 1 (One yay) = (wait for it) fail\r\n"
      "      policy (A dot can go here) . (like that) expired\r\n"
      "      (this surprised me) = (as I wasn't expecting it) 1362471462");
  EXPECT_EQ(ar.authserv_id, "foo.example.net");
  EXPECT_EQ(ar.version, 1u);
  ASSERT_EQ(ar.clauses.size(), 1u);
  const Clause& c = ar.clauses[0];
  EXPECT_EQ(c.method, "dkim");
  EXPECT_EQ(c.method_version, "1");
  EXPECT_EQ(c.result, "fail");
  EXPECT_EQ(prop(c, "policy", "expired"), "1362471462");
  EXPECT_EQ(c.comment,
            "Because I like it One yay wait for it A dot can go here like that this surprised "
            "me as I wasn't expecting it");
}

TEST(AuthresParse, QuotedAuthservIdAndNestedComments) {
  AuthResults ar = parse_ok(" \"example.org\" (a (nested \\) comment) here); none");
  EXPECT_EQ(ar.authserv_id, "example.org");
  EXPECT_TRUE(ar.clauses.empty());
}

TEST(AuthresParse, NoneIsCaseInsensitiveAndMayBeFollowedByComments) {
  EXPECT_TRUE(parse_ok(" mx.example.org; NONE (nothing checked)").clauses.empty());
}

TEST(AuthresParse, MethodNamedLikeNoneIsAMethod) {
  AuthResults ar = parse_ok(" mx; none=pass");
  ASSERT_EQ(ar.clauses.size(), 1u);
  EXPECT_EQ(ar.clauses[0].method, "none");
}

TEST(AuthresParse, PvalueForms) {
  AuthResults ar = parse_ok(
      " example.net; dkim=pass header.i=dkim+foo-bar@example.github.com "
      "header.d=\"github.com\" header.x=\"john doe\"@example.com smtp.mailfrom=\"\"");
  ASSERT_EQ(ar.clauses.size(), 1u);
  EXPECT_EQ(prop(ar.clauses[0], "header", "i"), "dkim+foo-bar@example.github.com");
  EXPECT_EQ(prop(ar.clauses[0], "header", "d"), "github.com");
  EXPECT_EQ(prop(ar.clauses[0], "header", "x"), "\"john doe\"@example.com");
  EXPECT_EQ(prop(ar.clauses[0], "smtp", "mailfrom"), "");
}

TEST(AuthresParse, LenientFormsRealSendersWrite) {
  struct Case {
    const char* value;
    const char* what;
  };
  const Case cases[] = {
      {" example.com; spf=pass smtp.mailfrom=example.net;", "trailing ;"},
      {" example.com; dkim=pass header.b=gfT/i2HB", "'/' in an unquoted pvalue"},
      {" dkim=none (message not signed) header.d=none;dmarc=none action=none "
       "header.from=example.com;",
       "no authserv-id, action= without ptype"},
      {" example.com; dkim=fail header.d=example.com reason=\"late\"", "reason after props"},
      {" example.com; spf=fail smtp.mailfrom=user@@example.com", "double @ in a pvalue"},
      {" example.com; dkim_atps=neutral", "underscore in a keyword"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    EXPECT_TRUE(parse_authres(c.value).ok()) << parse_authres(c.value).reason();
    EXPECT_FALSE(parse_authres(c.value, kStrict).ok());
  }
  AuthResults ms = *parse_authres(cases[2].value);
  EXPECT_EQ(ms.authserv_id, "");
  ASSERT_EQ(ms.clauses.size(), 2u);
  EXPECT_EQ(prop(ms.clauses[1], "", "action"), "none");
  EXPECT_EQ(prop(ms.clauses[1], "header", "from"), "example.com");
  EXPECT_EQ(prop(parse_authres(cases[1].value)->clauses[0], "header", "b"), "gfT/i2HB");
}

TEST(AuthresParse, Errors) {
  const char* bad[] = {
      "",
      "   ",
      " example.com; spf",
      " example.com; spf=",
      " example.com; spf=pass smtp",
      " example.com; spf=pass smtp.mailfrom",
      " example.com; spf=pass (unterminated",
      " example.com; spf=pass reason=\"unterminated",
      " example.com; spf/=pass",
      " example.com; none extra",
      " example.com spf=pass",
      " example.com; spf=pass; ; dkim=pass",
      " example.com; =pass",
  };
  for (const char* value : bad) {
    auto r = parse_authres(value, kStrict);
    EXPECT_FALSE(r.ok()) << "accepted: " << value;
    if (!r.ok()) {
      EXPECT_NE(r.reason().find("offset"), std::string::npos) << r.reason();
    }
  }
}

TEST(AuthresParse, LenientParsingStepsOverUnreadableResinfos) {
  auto ar = parse_authres(
      " spf=softfail (sender IP is 192.0.2.1)\r\n smtp.mailfrom=example.com; "
      "tenant.mail.example; dkim=fail\r\n (signature did not verify)\r\n "
      "header.d=example.com;tenant.mail.example; dmarc=fail action=oreject "
      "header.from=example.com;");
  ASSERT_TRUE(ar.ok()) << ar.reason();
  ASSERT_EQ(ar->clauses.size(), 3u);
  EXPECT_EQ(ar->skipped_resinfos, 2u);
  EXPECT_EQ(ar->clauses[1].method, "dkim");
  EXPECT_EQ(ar->clauses[2].result, "fail");
  // Still errors: what cannot be stepped over.
  EXPECT_FALSE(parse_authres(" mx; spf=pass (never closed").ok());
  EXPECT_FALSE(parse_authres(" mx; spf=pass reason=\"never closed").ok());
  EXPECT_FALSE(parse_authres(" mx spf=pass").ok());
}

TEST(AuthresParse, Limits) {
  std::string deep = " mx; spf=pass " + std::string(33, '(') + std::string(33, ')');
  EXPECT_FALSE(parse_authres(deep).ok());
  std::string ok_depth = " mx; spf=pass " + std::string(32, '(') + std::string(32, ')');
  EXPECT_TRUE(parse_authres(ok_depth).ok());

  std::string many = " mx";
  for (std::size_t i = 0; i < kMaxClauses; ++i) many += "; dkim=pass";
  EXPECT_TRUE(parse_authres(many).ok());
  many += "; dkim=pass";
  EXPECT_FALSE(parse_authres(many).ok());

  std::string props = " mx; dkim=pass";
  for (std::size_t i = 0; i <= kMaxProperties; ++i) props += " header.d=x";
  EXPECT_FALSE(parse_authres(props).ok());

  std::string huge = " mx; dkim=pass (" + std::string(kMaxParseInput, 'x') + ")";
  EXPECT_FALSE(parse_authres(huge).ok());
}

TEST(AuthresParse, ParseClauseTakesModuleText) {
  auto c = parse_clause(
      "dkim=pass (2048-bit key) header.d=example.com header.i=@example.com header.s=sel "
      "header.a=rsa-sha256 header.b=AbCdEfGh");
  ASSERT_TRUE(c.ok()) << c.reason();
  EXPECT_EQ(c->comment, "2048-bit key");
  EXPECT_EQ(c->properties.size(), 5u);
  EXPECT_FALSE(parse_clause("dkim=pass; spf=pass").ok());
  EXPECT_FALSE(parse_clause("").ok());
}

TEST(AuthresParse, ExtractAuthservId) {
  EXPECT_EQ(extract_authserv_id(" mx.example.org; spf=pass"), "mx.example.org");
  EXPECT_EQ(extract_authserv_id("\r\n\t(c) \"mx.example.org\" 1; none"), "mx.example.org");
  EXPECT_EQ(extract_authserv_id(" mx.example.org"), "mx.example.org");
  EXPECT_EQ(extract_authserv_id(" mx.example.org; garbage ((( \""), "mx.example.org");
  EXPECT_EQ(extract_authserv_id(" dkim=none header.d=none"), std::nullopt);
  EXPECT_EQ(extract_authserv_id(" (unterminated"), std::nullopt);
  EXPECT_EQ(extract_authserv_id(" ; spf=pass"), std::nullopt);
  EXPECT_EQ(extract_authserv_id(""), std::nullopt);
}

TEST(AuthresParse, FormattedFieldsParseBackStrictly) {
  AuthResults ar{"mx.example.org", 1u, {}};
  Clause c = make_dkim_clause({.result = "fail",
                               .domain = "example.com",
                               .b_prefix = "a/b+c=",
                               .comment = "x (y) z",
                               .reason = "signature \"expired\""});
  c.method_version = "1";
  ar.clauses.push_back(c);
  auto field = format_field(ar);
  ASSERT_TRUE(field.ok());
  auto back = parse_authres(field->substr(kFieldName.size() + 1), kStrict);
  ASSERT_TRUE(back.ok()) << back.reason() << "\n" << *field;
  EXPECT_EQ(*back, ar);
}

}  // namespace
}  // namespace senderauth::authres
