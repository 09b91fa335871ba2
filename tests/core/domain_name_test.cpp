#include "senderauth/core/domain_name.hpp"

#include <gtest/gtest.h>

#include <string>

namespace senderauth {
namespace {

std::string reason_of(std::string_view text, const DomainSyntax& syntax = {}) {
  auto r = parse_domain(text, syntax);
  EXPECT_FALSE(r.ok()) << text;
  return r.ok() ? std::string() : r.reason();
}

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(ParseDomain, LowerCasesAndDropsTrailingDot) {
  EXPECT_EQ(parse_domain("Mail.EXAMPLE.com").value(), "mail.example.com");
  EXPECT_EQ(parse_domain("example.com.").value(), "example.com");
  EXPECT_EQ(parse_domain("localhost").value(), "localhost");
}

TEST(ParseDomain, KeepsALabelsAsTheyCome) {
  EXPECT_EQ(parse_domain("xn--bcher-kva.example").value(), "xn--bcher-kva.example");
  EXPECT_EQ(parse_domain("XN--BCHER-KVA.example").value(), "xn--bcher-kva.example");
}

TEST(ParseDomain, RejectsEmptyNameAndRoot) {
  EXPECT_TRUE(contains(reason_of(""), "empty domain name"));
  EXPECT_TRUE(contains(reason_of("."), "root"));
}

TEST(ParseDomain, RejectsEmptyLabels) {
  EXPECT_TRUE(contains(reason_of(".example.com"), "starts with a dot"));
  EXPECT_TRUE(contains(reason_of("a..example.com"), "empty label"));
  EXPECT_TRUE(contains(reason_of("example.com.."), "empty label"));
}

TEST(ParseDomain, TrailingDotCanBeForbidden) {
  DomainSyntax s;
  s.allow_trailing_dot = false;
  EXPECT_TRUE(contains(reason_of("example.com.", s), "trailing dot"));
  EXPECT_TRUE(parse_domain("example.com", s).ok());
}

TEST(ParseDomain, EnforcesLabelLength) {
  const std::string label63(kMaxLabelLength, 'a');
  EXPECT_TRUE(parse_domain(label63 + ".example").ok());
  const std::string reason = reason_of(label63 + "a.example");
  EXPECT_TRUE(contains(reason, "64 octets")) << reason;
  EXPECT_TRUE(contains(reason, "63")) << reason;
}

TEST(ParseDomain, EnforcesTotalLength) {
  // 4 labels of 63 octets + 3 dots = 255 > 253; 3 x 63 + 61 + dots = 253.
  const std::string l63(63, 'a');
  const std::string at_limit = l63 + "." + l63 + "." + l63 + "." + std::string(61, 'b');
  ASSERT_EQ(at_limit.size(), kMaxDomainLength);
  EXPECT_TRUE(parse_domain(at_limit).ok());
  EXPECT_TRUE(parse_domain(at_limit + ".").ok()) << "trailing dot does not count";
  const std::string reason = reason_of(at_limit + "b");
  EXPECT_TRUE(contains(reason, "254 octets")) << reason;
}

TEST(ParseDomain, RejectsControlCharsSpacesAndNonAscii) {
  EXPECT_TRUE(contains(reason_of("exa mple.com"), "space"));
  EXPECT_TRUE(contains(reason_of("example.com\r\n"), "0x0d"));
  EXPECT_TRUE(contains(reason_of(std::string("exa\0mple.com", 12)), "0x00"));
  EXPECT_TRUE(contains(reason_of("exa\x7fmple.com"), "0x7f"));
  EXPECT_TRUE(contains(reason_of("b\xc3\xbc"
                                 "cher.example"),
                       "A-label"));
  EXPECT_TRUE(contains(reason_of("tab\t.example"), "0x09"));
}

TEST(ParseDomain, UnderscoreOption) {
  EXPECT_EQ(parse_domain("_dmarc.Example.com").value(), "_dmarc.example.com");
  DomainSyntax s;
  s.allow_underscore = false;
  EXPECT_TRUE(contains(reason_of("_dmarc.example.com", s), "'_'"));
}

TEST(ParseDomain, LdhOnlyOption) {
  DomainSyntax s;
  s.ldh_only = true;
  EXPECT_TRUE(parse_domain("mail-1.example.com", s).ok());
  EXPECT_TRUE(parse_domain("_domainkey.example.com", s).ok()) << "underscore governed separately";
  EXPECT_TRUE(contains(reason_of("-mail.example.com", s), "hyphen"));
  EXPECT_TRUE(contains(reason_of("mail-.example.com", s), "hyphen"));
  EXPECT_TRUE(contains(reason_of("ma*il.example.com", s), "'*'"));
  EXPECT_TRUE(contains(reason_of("a/b.example", s), "'/'"));
  // Without ldh_only such characters are legal DNS octets (RFC 2181 11).
  EXPECT_TRUE(parse_domain("-mail.example.com").ok());
  EXPECT_TRUE(parse_domain("*.example.com").ok());
}

TEST(ParseDomain, MultipleLabelsOption) {
  DomainSyntax s;
  s.require_multiple_labels = true;
  EXPECT_TRUE(contains(reason_of("localhost", s), "single label"));
  EXPECT_TRUE(contains(reason_of("localhost.", s), "single label"));
  EXPECT_TRUE(parse_domain("example.com", s).ok());
}

TEST(ParseDomain, NumericTopLabelOption) {
  EXPECT_TRUE(parse_domain("192.0.2.1").ok());
  DomainSyntax s;
  s.numeric_tld_ok = false;
  EXPECT_TRUE(contains(reason_of("192.0.2.1", s), "all-numeric"));
  EXPECT_TRUE(contains(reason_of("example.123.", s), "'123'"));
  EXPECT_TRUE(parse_domain("example.a123", s).ok());
  EXPECT_TRUE(parse_domain("123.example", s).ok());
  // The rest of RFC 7208's toplabel rule comes with it.
  EXPECT_TRUE(parse_domain("example.123-456", s).ok());
  EXPECT_TRUE(parse_domain("_spf.example.com", s).ok());
  EXPECT_TRUE(contains(reason_of("example.com-", s), "hyphen"));
  EXPECT_TRUE(contains(reason_of("example.-com", s), "hyphen"));
  EXPECT_TRUE(contains(reason_of("example.c_m", s), "'_'"));
  EXPECT_TRUE(contains(reason_of("example.c*m", s), "only letters, digits, hyphens"));
}

TEST(DomainEqual, IgnoresCaseAndOneTrailingDot) {
  EXPECT_TRUE(domain_equal("Example.COM", "example.com"));
  EXPECT_TRUE(domain_equal("example.com.", "EXAMPLE.com"));
  EXPECT_TRUE(domain_equal("example.com.", "example.com."));
  EXPECT_FALSE(domain_equal("example.com..", "example.com"));
  EXPECT_FALSE(domain_equal("example.com", "example.org"));
  EXPECT_FALSE(domain_equal("xample.com", "example.com"));
  EXPECT_TRUE(domain_equal("", "."));
}

TEST(DomainIsSubdomainOf, MatchesOnLabelBoundaries) {
  EXPECT_TRUE(domain_is_subdomain_of("example.com", "example.com"));
  EXPECT_TRUE(domain_is_subdomain_of("Mail.Example.com", "example.COM."));
  EXPECT_TRUE(domain_is_subdomain_of("a.b.example.com.", "example.com"));
  EXPECT_FALSE(domain_is_subdomain_of("badexample.com", "example.com"));
  EXPECT_FALSE(domain_is_subdomain_of("example.com", "mail.example.com"));
  EXPECT_FALSE(domain_is_subdomain_of("com", "example.com"));
  EXPECT_FALSE(domain_is_subdomain_of(".example.com", "xample.com"));
  EXPECT_TRUE(domain_is_subdomain_of("example.com", "."));
  EXPECT_FALSE(domain_is_subdomain_of("", "example.com"));
}

TEST(DomainLabels, SplitsLeftToRight) {
  const auto labels = domain_labels("mail.Example.com.");
  ASSERT_EQ(labels.size(), 3u);
  EXPECT_EQ(labels[0], "mail");
  EXPECT_EQ(labels[1], "Example");
  EXPECT_EQ(labels[2], "com");
  EXPECT_TRUE(domain_labels("").empty());
  EXPECT_TRUE(domain_labels(".").empty());
  EXPECT_EQ(domain_labels("localhost").size(), 1u);
}

TEST(AsciiCase, LowerAndIequalsTouchOnlyAscii) {
  EXPECT_EQ(ascii_lower("AbC-Z_\xc3\x89"), "abc-z_\xc3\x89");
  EXPECT_TRUE(iequals("DKIM-Signature", "dkim-signature"));
  EXPECT_FALSE(iequals("abc", "abd"));
  EXPECT_FALSE(iequals("abc", "abcd"));
  EXPECT_FALSE(iequals("\xc3\x89", "\xc3\xa9"));
  EXPECT_FALSE(iequals("[", "{"));  // 0x5b vs 0x7b differ only in the case bit
}

}  // namespace
}  // namespace senderauth
