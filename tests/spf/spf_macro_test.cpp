// Macro expansion: the examples of RFC 7208 7.4 and the edges of 7.1-7.3.
#include <gtest/gtest.h>

#include "senderauth/spf/spf_macro.hpp"

namespace senderauth::spf {
namespace {

class SpfMacro : public ::testing::Test {
 protected:
  SpfMacro() {
    ctx.sender = "strong-bad@email.example.com";
    ctx.local_part = "strong-bad";
    ctx.sender_domain = "email.example.com";
    ctx.domain = "email.example.com";
    ctx.client_ip = *IpAddress::parse("192.0.2.3");
    ctx.helo = "mx.example.org";
    ctx.receiver = "receiver.example";
    ctx.timestamp = 1234567890;
    ctx.validated_name = "mx.example.org";
  }
  std::string expand(std::string_view text, MacroUse use = MacroUse::domain_spec) {
    auto r = expand_macro_string(text, ctx, use);
    EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.reason());
    return r.ok() ? *r : std::string("<error>");
  }
  MacroContext ctx;
};

TEST_F(SpfMacro, Rfc7208Examples) {
  EXPECT_EQ(expand("%{s}"), "strong-bad@email.example.com");
  EXPECT_EQ(expand("%{o}"), "email.example.com");
  EXPECT_EQ(expand("%{d}"), "email.example.com");
  EXPECT_EQ(expand("%{d4}"), "email.example.com");
  EXPECT_EQ(expand("%{d3}"), "email.example.com");
  EXPECT_EQ(expand("%{d2}"), "example.com");
  EXPECT_EQ(expand("%{d1}"), "com");
  EXPECT_EQ(expand("%{dr}"), "com.example.email");
  EXPECT_EQ(expand("%{d2r}"), "example.email");
  EXPECT_EQ(expand("%{l}"), "strong-bad");
  EXPECT_EQ(expand("%{l-}"), "strong.bad");
  EXPECT_EQ(expand("%{lr}"), "strong-bad");
  EXPECT_EQ(expand("%{lr-}"), "bad.strong");
  EXPECT_EQ(expand("%{l1r-}"), "strong");
  EXPECT_EQ(expand("%{ir}.%{v}._spf.%{d2}"), "3.2.0.192.in-addr._spf.example.com");
  EXPECT_EQ(expand("%{lr-}.lp._spf.%{d2}"), "bad.strong.lp._spf.example.com");
  EXPECT_EQ(expand("%{lr-}.lp.%{ir}.%{v}._spf.%{d2}"),
            "bad.strong.lp.3.2.0.192.in-addr._spf.example.com");
  EXPECT_EQ(expand("%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}"),
            "3.2.0.192.in-addr.strong.lp._spf.example.com");
  EXPECT_EQ(expand("%{d2}.trusted-domains.example.net"), "example.com.trusted-domains.example.net");
}

TEST_F(SpfMacro, Rfc7208Ipv6Example) {
  ctx.client_ip = *IpAddress::parse("2001:db8::cb01");
  // The RFC prints the nibbles in lower case; we write them in upper case like pyspf and
  // Mail::SPF (the OpenSPF suite's v-macro-ip6 checks it). DNS names compare case-blind.
  EXPECT_EQ(expand("%{ir}.%{v}._spf.%{d2}"),
            "1.0.B.C.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.B.D.0.1.0.0.2.ip6._spf.example.com");
  EXPECT_EQ(expand("%{c}", MacroUse::explanation), "2001:db8::cb01");
}

TEST_F(SpfMacro, Escapes) {
  EXPECT_EQ(expand("a%%b%_c%-d"), "a%b c%20d");
  EXPECT_EQ(expand("macro%%percent%_%_space%-url-space.example.com"),
            "macro%percent  space%20url-space.example.com");
}

TEST_F(SpfMacro, UpperCaseLettersAreUrlEscaped) {
  ctx.local_part = "~jack&jill=up-a_b3.c";
  EXPECT_EQ(expand("l=%{L}", MacroUse::explanation), "l=~jack%26jill%3Dup-a_b3.c");
  ctx.helo = "[192.0.2.1]";
  EXPECT_EQ(expand("%{H}"), "%5B192.0.2.1%5D");
  EXPECT_EQ(expand("%{S}"), "strong-bad%40email.example.com");
}

TEST_F(SpfMacro, MultipleDelimiters) {
  ctx.local_part = "foo-bar+zip+quux";
  EXPECT_EQ(expand("%{l2r+-}"), "bar.foo");
  EXPECT_EQ(expand("%{l+}"), "foo-bar.zip.quux");
  EXPECT_EQ(expand("%{l=,/_}"), "foo-bar+zip+quux");
}

TEST_F(SpfMacro, DigitsBeyondPartCountKeepEverything) {
  EXPECT_EQ(expand("%{d99}"), "email.example.com");
  EXPECT_EQ(expand("%{d999r}"), "com.example.email");
}

// RFC 7208 7.1: transformers = *DIGIT [ "r" ], so any number of digits, leading zeros too;
// 7.3: at least 127 must work. A number past the part count keeps every part.
TEST_F(SpfMacro, TransformerNumberHasAnyNumberOfDigits) {
  EXPECT_EQ(expand("%{d0002}"), "example.com");
  EXPECT_EQ(expand("%{d0000000000000000000001r}"), "email");
  EXPECT_EQ(expand("%{d127}"), "email.example.com");
  EXPECT_EQ(expand("%{d1000}"), "email.example.com");
  EXPECT_EQ(expand("%{d99999999999999999999999999999r}"), "com.example.email");
  EXPECT_TRUE(validate_macro_string("%{d0002}.x.example.com", MacroUse::domain_spec).ok());
  EXPECT_FALSE(validate_macro_string("%{d0000}", MacroUse::domain_spec).ok());
}

TEST_F(SpfMacro, ExplanationOnlyLetters) {
  EXPECT_EQ(expand("%{c} %{r} %{t}", MacroUse::explanation),
            "192.0.2.3 receiver.example 1234567890");
  EXPECT_FALSE(validate_macro_string("%{c}", MacroUse::domain_spec).ok());
  EXPECT_FALSE(validate_macro_string("%{r}", MacroUse::domain_spec).ok());
  EXPECT_FALSE(validate_macro_string("%{t}", MacroUse::domain_spec).ok());
  EXPECT_FALSE(validate_macro_string("a b", MacroUse::domain_spec).ok());
  EXPECT_TRUE(validate_macro_string("a b", MacroUse::explanation).ok());
}

TEST_F(SpfMacro, VAndPLetters) {
  EXPECT_EQ(expand("%{v}"), "in-addr");
  EXPECT_EQ(expand("%{p}"), "mx.example.org");
  ctx.validated_name = {};
  EXPECT_EQ(expand("%{p}"), "unknown");
}

TEST_F(SpfMacro, InvalidSyntax) {
  for (std::string_view bad : {"%", "abc%", "%x", "%(ir)", "%{", "%{i", "%{ir", "%{x}", "%{d0}",
                               "%{d0000}", "%{i r}", "%{i}%", "%{ii}"}) {
    EXPECT_FALSE(validate_macro_string(bad, MacroUse::explanation).ok()) << bad;
    EXPECT_FALSE(expand_macro_string(bad, ctx, MacroUse::explanation).ok()) << bad;
  }
  EXPECT_FALSE(validate_macro_string("a\x7f", MacroUse::explanation).ok());
  EXPECT_FALSE(validate_macro_string("\xc3\xa9", MacroUse::explanation).ok());
}

TEST_F(SpfMacro, UsesValidatedName) {
  EXPECT_TRUE(uses_validated_name("%{p}.example"));
  EXPECT_TRUE(uses_validated_name("x.%{P2r}"));
  EXPECT_FALSE(uses_validated_name("%%{p}"));
  EXPECT_FALSE(uses_validated_name("%{d}.p"));
}

// The evaluator converts the HELO (%{h}) and reads the clock (%{t}) only for a string that uses
// them; a miss would expand them empty.
TEST_F(SpfMacro, UsesMacroLetter) {
  EXPECT_TRUE(uses_macro_letter("%{h}.example", 'h'));
  EXPECT_TRUE(uses_macro_letter("x.%{H2r-}", 'h'));
  EXPECT_TRUE(uses_macro_letter("at %{t}", 't'));
  EXPECT_FALSE(uses_macro_letter("%%{h}", 'h'));
  EXPECT_FALSE(uses_macro_letter("%{d}.h", 'h'));
  EXPECT_FALSE(uses_macro_letter("", 't'));
}

TEST_F(SpfMacro, ExpansionIsBounded) {
  std::string big(600, 'a');
  ctx.local_part = big;
  std::string text;
  for (int i = 0; i < 20; ++i) text += "%{l}";
  EXPECT_FALSE(expand_macro_string(text, ctx, MacroUse::explanation).ok());
  // Literal text counts too, also after the last macro (found by fuzz_spf_macro).
  const std::string literal(kMaxExpansionLength + 1, 'a');
  EXPECT_TRUE(validate_macro_string(literal, MacroUse::explanation).ok());
  EXPECT_FALSE(expand_macro_string(literal, ctx, MacroUse::explanation).ok());
  EXPECT_FALSE(expand_macro_string("%{l}" + literal, ctx, MacroUse::explanation).ok());
  EXPECT_TRUE(expand_macro_string(literal.substr(1), ctx, MacroUse::explanation).ok());
}

// RFC 5234: ABNF literals are case-insensitive, so the transformer "r" may be written "R".
TEST_F(SpfMacro, ReverseTransformerIsCaseInsensitive) {
  EXPECT_EQ(expand("%{dR}"), expand("%{dr}"));
  EXPECT_EQ(expand("%{d2R}"), "example.email");
  EXPECT_EQ(expand("%{iR}"), expand("%{ir}"));
  EXPECT_EQ(expand("%{lR-}"), "bad.strong");
}

TEST(SpfTruncateDomain, DropsLabelsFromTheLeft) {
  std::string label(60, 'a');
  std::string name =
      "x." + label + "." + label + "." + label + "." + label + "." + label + ".example";
  ASSERT_GT(name.size(), 253u);
  std::string cut = truncate_domain(name);
  EXPECT_LE(cut.size(), 253u);
  EXPECT_EQ(cut, label + "." + label + "." + label + "." + label + ".example");
  EXPECT_EQ(truncate_domain("short.example."), "short.example.");
  // At the boundary (RFC 7208 7.3: "if the expanded domain-spec exceeds 253 characters"): 253
  // stays, with or without a trailing dot; 254 loses its leftmost label.
  const std::string l63(63, 'b');
  const std::string n253 = l63 + "." + l63 + "." + l63 + "." + std::string(61, 'c');
  ASSERT_EQ(n253.size(), 253u);
  EXPECT_EQ(truncate_domain(n253), n253);
  EXPECT_EQ(truncate_domain(n253 + "."), n253 + ".");
  EXPECT_EQ(truncate_domain("a" + n253), n253.substr(64));
  EXPECT_EQ(truncate_domain(std::string(300, 'a')), "");
}

}  // namespace
}  // namespace senderauth::spf
