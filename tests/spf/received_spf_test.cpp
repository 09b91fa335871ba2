// Received-SPF (RFC 7208 9.1) and the A-R spf= clause: content, quoting, sanitising.
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "senderauth/spf/received_spf.hpp"
#include "senderauth/spf/spf_identity.hpp"

namespace senderauth::spf {
namespace {

SpfResult sample() {
  SpfResult r;
  r.verdict = SpfVerdict::pass;
  r.identity = SpfIdentity::mailfrom;
  r.client_ip = *IpAddress::parse("192.0.2.1");
  r.helo = "foo.example.com";
  r.sender = "myname@example.com";
  r.domain = "example.com";
  r.mechanism = "ip4:192.0.2.0/24";
  return r;
}

// RFC 7208 9.1's example; envelope-from is quoted there too ('@' is not dot-atom text).
TEST(ReceivedSpf, PassHeaderLikeRfcExample) {
  EXPECT_EQ(format_received_spf(sample(), "mybox.example.org"),
            "Received-SPF: pass (mybox.example.org: domain of myname@example.com designates "
            "192.0.2.1 as permitted sender) client-ip=192.0.2.1; "
            "envelope-from=\"myname@example.com\"; helo=foo.example.com; "
            "receiver=mybox.example.org; mechanism=\"ip4:192.0.2.0/24\"; identity=mailfrom");
}

TEST(ReceivedSpf, ProblemOnlyForErrors) {
  SpfResult r = sample();
  r.verdict = SpfVerdict::permerror;
  r.mechanism.clear();
  r.problem = "SPF record of example.com: invalid term \"moo\": unknown mechanism";
  std::string h = format_received_spf(r, "mx.example.org");
  EXPECT_NE(h.find("permerror (mx.example.org: permanent error"), std::string::npos) << h;
  EXPECT_NE(h.find("problem=\"SPF record of example.com: invalid term \\\"moo\\\": unknown "
                   "mechanism\""),
            std::string::npos)
      << h;
  r.verdict = SpfVerdict::fail;
  EXPECT_EQ(format_received_spf(r, "mx").find("problem="), std::string::npos);
}

TEST(ReceivedSpf, HostileValuesCannotBreakTheHeader) {
  SpfResult r = sample();
  r.verdict = SpfVerdict::fail;
  r.helo = "evil\r\nX-Injected: yes";
  r.sender = "a\"b(c)\\d\x01@example.com";
  std::string h = format_received_spf(r, "mx.example.org");
  EXPECT_EQ(h.find('\r'), std::string::npos);
  EXPECT_EQ(h.find('\n'), std::string::npos);
  EXPECT_EQ(h.find('\x01'), std::string::npos);
  EXPECT_NE(h.find("helo=\"evil X-Injected: yes\""), std::string::npos) << h;
  EXPECT_NE(h.find("envelope-from=\"a\\\"b(c)\\\\d?@example.com\""), std::string::npos) << h;
  // In the comment no quoted-pair (SpamAssassin misreads one): a pair of parentheses stays,
  // a backslash becomes '/', a parenthesis that pairs with none a bracket.
  EXPECT_NE(h.find("domain of a\"b(c)/d?@example.com does not designate"), std::string::npos) << h;
  r.sender = "a(b\\c@example.com";
  h = format_received_spf(r, "mx.example.org");
  EXPECT_NE(h.find("(mx.example.org: domain of a[b/c@example.com does not designate"),
            std::string::npos)
      << h;
}

// The comment's sentence per result, with the RFC 7208 9.1 wording; each value sits in it as
// sanitised text, and an empty part leaves no double space.
TEST(ReceivedSpf, EveryResultHasItsSentence) {
  const std::pair<SpfVerdict, std::string_view> cases[] = {
      {SpfVerdict::pass, "domain of myname@example.com designates 192.0.2.1 as permitted sender"},
      {SpfVerdict::fail,
       "domain of myname@example.com does not designate 192.0.2.1 as permitted sender"},
      {SpfVerdict::softfail,
       "transitioning domain of myname@example.com does not designate 192.0.2.1 as permitted "
       "sender"},
      {SpfVerdict::neutral,
       "192.0.2.1 is neither permitted nor denied by domain of "
       "myname@example.com"},
      {SpfVerdict::none, "domain of myname@example.com does not designate permitted sender hosts"},
      {SpfVerdict::temperror, "temporary error checking domain of myname@example.com"},
      {SpfVerdict::permerror, "permanent error in the SPF policy of example.com"},
  };
  for (const auto& [verdict, sentence] : cases) {
    SpfResult r = sample();
    r.verdict = verdict;
    const std::string h = format_received_spf(r, "mx.example.org");
    EXPECT_NE(h.find("(mx.example.org: " + std::string(sentence) + ") client-ip="),
              std::string::npos)
        << h;
  }
  SpfResult r = sample();
  r.identity = SpfIdentity::helo;
  r.domain = " foo.example.com\t";
  EXPECT_NE(format_received_spf(r, "mx").find("(mx: domain of foo.example.com designates "),
            std::string::npos);
  r = sample();
  r.sender.clear();
  EXPECT_NE(format_received_spf(r, "").find("(: domain of designates 192.0.2.1 as permitted "
                                            "sender) client-ip=192.0.2.1; envelope-from=\"\";"),
            std::string::npos)
      << format_received_spf(r, "");
}

// RFC 8616: SPF checks a HELO in U-labels as its A-labels, and the field names what was checked,
// whichever identity it reports and whether or not UTF-8 may be kept. An address literal stays.
TEST(ReceivedSpf, HeloIsWrittenAsTheALabelsChecked) {
  SpfResult r = sample();
  r.helo =
      "mx.b\xc3\xbc"
      "cher.test.";
  for (const bool utf8 : {false, true}) {
    const std::string h = format_received_spf(r, "mx", utf8);
    EXPECT_NE(h.find(" helo=mx.xn--bcher-kva.test;"), std::string::npos) << h;
  }
  r.identity = SpfIdentity::helo;
  r.domain = "mx.xn--bcher-kva.test";
  EXPECT_NE(format_received_spf(r, "mx").find(" helo=mx.xn--bcher-kva.test;"), std::string::npos);
  r.helo = "[192.0.2.1]";
  EXPECT_NE(format_received_spf(r, "mx").find(" helo=\"[192.0.2.1]\";"), std::string::npos);
  EXPECT_EQ(helo_domain(" MX.Example.TEST. "), "MX.Example.TEST");
  EXPECT_EQ(helo_domain("[IPv6:2001:db8::1]"), "[IPv6:2001:db8::1]");
  EXPECT_EQ(helo_domain("b\xfc"
                        "cher.test"),
            "b\xfc"
            "cher.test");  // not UTF-8: as sent
}

TEST(ReceivedSpf, HeloIdentityOmitsEnvelopeFrom) {
  SpfResult r = sample();
  r.identity = SpfIdentity::helo;
  r.sender = "postmaster@foo.example.com";
  r.domain = "foo.example.com";
  std::string h = format_received_spf(r, "mx");
  EXPECT_EQ(h.find("envelope-from="), std::string::npos);
  EXPECT_NE(h.find("identity=helo"), std::string::npos);
}

TEST(HeaderText, Sanitize) {
  EXPECT_EQ(sanitize_header_text("a\r\n\tb  c"), "a b c");
  // White space at either end is dropped, not kept as one space.
  EXPECT_EQ(sanitize_header_text("  \t x \r\n"), "x");
  EXPECT_EQ(sanitize_header_text(" \r\n "), "");
  const std::string h = format_received_spf(sample(), " mybox.example.org ");
  EXPECT_NE(h.find("(mybox.example.org: "), std::string::npos) << h;
  EXPECT_NE(h.find("receiver=mybox.example.org;"), std::string::npos) << h;
  EXPECT_EQ(sanitize_header_text("\xc3\xa9t\xc3\xa9"), "??t??");
  EXPECT_EQ(sanitize_header_text(std::string(1000, 'x'), 10).size(), 10u);
  EXPECT_EQ(header_value("example.com"), "example.com");
  EXPECT_EQ(header_value("a b"), "\"a b\"");
  EXPECT_EQ(header_value(""), "\"\"");
  EXPECT_EQ(comment_text("(x)\\"), "(x)/");
  EXPECT_EQ(comment_text("x) (y"), "x] [y");
}

// In an SMTPUTF8 session (RFC 6531) the envelope may be UTF-8, and so may the field: well-formed
// UTF-8 is kept whole, anything else still becomes '?', and a length bound never splits a
// character.
TEST(HeaderText, Utf8KeptWhenTheMessageIsInternationalised) {
  EXPECT_EQ(sanitize_header_text("\xc3\xa9t\xc3\xa9", 512, true), "\xc3\xa9t\xc3\xa9");
  EXPECT_EQ(sanitize_header_text("a\xc3(\xff\x01", 512, true), "a?(??");
  EXPECT_EQ(sanitize_header_text("ab\xe2\x82\xac", 4, true), "ab");  // 3 bytes do not fit in 2
  EXPECT_EQ(header_value("j\xc3\xb6rg", true), "j\xc3\xb6rg");       // UTF-8 is atext (RFC 6532)
  EXPECT_EQ(header_value("j\xc3\xb6rg"), "j??rg");                   // '?' is atext
  // Unicode line breaks (a line of its own to Perl's \R or Python's splitlines()) are spaces,
  // the other C1 controls and the bidi overrides '?'.
  EXPECT_EQ(sanitize_header_text("mx\xe2\x80\xa8"
                                 "Authentication-Results: x\xc2\x85y\xe2\x80\xa9",
                                 512, true),
            "mx Authentication-Results: x y");
  EXPECT_EQ(sanitize_header_text("a\xc2\x9b"
                                 "1m\xe2\x80\xae"
                                 "b\xe2\x81\xa6",
                                 512, true),
            "a?1m?b?");

  SpfResult r = sample();
  r.sender = "j\xc3\xb6rg@xn--bcher-kva.example";
  const std::string utf8 = format_received_spf(r, "mx.example.org", true);
  EXPECT_NE(utf8.find("envelope-from=\"j\xc3\xb6rg@xn--bcher-kva.example\""), std::string::npos)
      << utf8;
  EXPECT_NE(utf8.find("domain of j\xc3\xb6rg@xn--bcher-kva.example designates"), std::string::npos)
      << utf8;
  const std::string ascii = format_received_spf(r, "mx.example.org");
  EXPECT_NE(ascii.find("envelope-from=\"j??rg@xn--bcher-kva.example\""), std::string::npos)
      << ascii;
}

}  // namespace
}  // namespace senderauth::spf
