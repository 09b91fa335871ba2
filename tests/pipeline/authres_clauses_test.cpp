// What each protocol's Authentication-Results clause says (pipeline::*_clause) and how it reads
// on one line (clause_text): the wording the pipeline's header field and the CLI share.
#include "senderauth/pipeline/authres_clauses.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace senderauth::pipeline {
namespace {

IpAddress ip(const char* text) {
  return IpAddress::parse(text).value();
}

TEST(AuthresClauses, DkimPropertiesCommentAndBPrefix) {
  std::vector<dkim::DkimResult> results(2);
  results[0].status = dkim::DkimStatus::pass;
  results[0].reason = "2048-bit rsa key";
  results[0].domain = "example.test";
  results[0].identity = "@example.test";
  results[0].selector = "sel";
  results[0].algorithm = "rsa-sha256";
  results[0].signature_text = "AbCdEfGhIjK1";
  results[1].status = dkim::DkimStatus::fail;
  results[1].reason = "body hash (did) not verify";
  results[1].signature_text = "Zb/dEfGhIjK2";
  // Before the prefixes are assigned the whole b= value is reported.
  EXPECT_EQ(clause_text(dkim_clause(results[1])),
            "dkim=fail (body hash (did) not verify) header.b=\"Zb/dEfGhIjK2\"");
  dkim::assign_unique_b_prefixes(results);
  EXPECT_EQ(clause_text(dkim_clause(results[0])),
            "dkim=pass (2048-bit rsa key) header.d=example.test header.i=@example.test "
            "header.s=sel header.a=rsa-sha256 header.b=AbCdEfGh");
  EXPECT_EQ(clause_text(dkim_clause(results[1])),
            "dkim=fail (body hash (did) not verify) header.b=\"Zb/dEfGh\"");
}

TEST(AuthresClauses, ArcNoneFailPass) {
  arc::ArcResult none;
  EXPECT_EQ(clause_text(arc_clause(none, ip("192.0.2.1"))), "arc=none");
  arc::ArcResult fail;
  fail.status = arc::ChainStatus::fail;
  fail.reason = "ARC-Seal i=1 (x) did not verify";
  fail.instances = 1;
  fail.sets.push_back(arc::ArcSetReport{});
  fail.sets[0].seal_domain = "a.example";
  EXPECT_EQ(clause_text(arc_clause(fail)),
            "arc=fail (ARC-Seal i=1 (x) did not verify) arc.chain=a.example");
  arc::ArcResult pass;
  pass.status = arc::ChainStatus::pass;
  pass.instances = 2;
  pass.oldest_pass = 2;
  pass.sets.resize(2);
  pass.sets[0].seal_domain = "a.example";
  pass.sets[1].seal_domain = "b.example";
  // ':' is not a token character (RFC 2045), so RFC 8601's grammar quotes an IPv6 address
  // and the colon-separated chain.
  EXPECT_EQ(clause_text(arc_clause(pass, ip("2001:db8::1"))),
            "arc=pass (i=2) header.oldest-pass=2 smtp.remote-ip=\"2001:db8::1\" "
            "arc.chain=\"b.example:a.example\"");
  EXPECT_EQ(clause_text(arc_clause(pass, ip("192.0.2.1"))),
            "arc=pass (i=2) header.oldest-pass=2 smtp.remote-ip=192.0.2.1 "
            "arc.chain=\"b.example:a.example\"");
}

TEST(AuthresClauses, DmarcCommentPolicyAndArcOverride) {
  dmarc::DmarcResult r;
  r.status = dmarc::DmarcStatus::permerror;
  r.reason = "bad (x) \\ y";
  EXPECT_EQ(clause_text(dmarc_clause(r)), "dmarc=permerror (bad (x) / y)");
  dmarc::DmarcResult fail;
  fail.status = dmarc::DmarcStatus::fail;
  fail.from_domain = "example.com";
  fail.policy = dmarc::Policy::reject;
  fail.disposition = dmarc::Policy::reject;
  arc::ForwarderOverride o;
  o.applies = true;
  o.comment = "ARC chain sealed by lists.example.org";
  EXPECT_EQ(clause_text(dmarc_clause(fail, o)),
            "dmarc=fail (accepted: ARC chain sealed by lists.example.org) "
            "header.from=example.com policy.dmarc=none");
  // Without the override, the disposition.
  EXPECT_EQ(clause_text(dmarc_clause(fail)),
            "dmarc=fail header.from=example.com policy.dmarc=reject");
}

// policy.dmarc is the policy applied after pct and t=y (the A-R registry's definition), not
// the record's p=: filters downstream act on it.
TEST(AuthresClauses, DmarcPolicyIsTheOneAppliedAfterPctAndTesting) {
  dmarc::DmarcResult fail;
  fail.status = dmarc::DmarcStatus::fail;
  fail.from_domain = "example.com";
  fail.policy = dmarc::Policy::reject;
  fail.disposition = dmarc::Policy::quarantine;
  fail.reason = "no aligned SPF or DKIM pass; p=reject from record at the author domain; t=y";
  EXPECT_EQ(clause_text(dmarc_clause(fail)),
            "dmarc=fail (no aligned SPF or DKIM pass; p=reject from record at the author "
            "domain; t=y) header.from=example.com policy.dmarc=quarantine");
  dmarc::DmarcResult pass;
  pass.status = dmarc::DmarcStatus::pass;
  pass.from_domain = "example.com";
  pass.policy = dmarc::Policy::reject;
  EXPECT_EQ(clause_text(dmarc_clause(pass)),
            "dmarc=pass header.from=example.com policy.dmarc=reject");
}

TEST(AuthresClauses, SpfNamesTheMechanismOrTheProblem) {
  spf::SpfResult r;
  r.verdict = spf::SpfVerdict::pass;
  r.sender = "user@example.com";
  r.helo = "mail.example.com";
  r.mechanism = "ip4:192.0.2.0/24";
  EXPECT_EQ(clause_text(spf_clause(r, authres::SpfScope::mailfrom)),
            "spf=pass (matched ip4:192.0.2.0/24) smtp.mailfrom=user@example.com");
  r.verdict = spf::SpfVerdict::permerror;
  r.problem = "more than one SPF record at mail.example.com";
  EXPECT_EQ(clause_text(spf_clause(r, authres::SpfScope::helo)),
            "spf=permerror (more than one SPF record at mail.example.com) "
            "smtp.helo=mail.example.com");
}

// Cases that the spf module's own clause writer (gone: `spf` now writes check's clause) was
// tested on: a local part that is no dot-atom, a problem with line breaks or parentheses.
TEST(AuthresClauses, SpfUntrustedIdentityAndProblemText) {
  spf::SpfResult r;
  r.verdict = spf::SpfVerdict::pass;
  r.sender = "we ird\"(x)@example.com";
  r.helo = "mail.example.com";
  EXPECT_EQ(clause_text(spf_clause(r, authres::SpfScope::mailfrom)),
            "spf=pass smtp.mailfrom=@example.com");
  r.sender = "myname@example.com";
  r.verdict = spf::SpfVerdict::temperror;
  r.problem = "DNS timeout (of x)\r\n";
  EXPECT_EQ(clause_text(spf_clause(r, authres::SpfScope::mailfrom)),
            "spf=temperror (DNS timeout (of x)) smtp.mailfrom=myname@example.com");
  r.problem = "no SPF record at mx(.evil.example";
  const std::string unbalanced = clause_text(spf_clause(r, authres::SpfScope::mailfrom));
  EXPECT_EQ(unbalanced.find("\\("), std::string::npos) << unbalanced;
  EXPECT_NE(unbalanced.find(" smtp.mailfrom=myname@example.com"), std::string::npos);
}

// README: results and fields name the A-labels of a HELO sent in U-labels (RFC 8616), as SPF
// checked it; smtp.helo is never the raw UTF-8, '?'-replaced in an ASCII message.
TEST(AuthresClauses, SpfHeloIsTheALabelNameChecked) {
  spf::SpfResult r;
  r.verdict = spf::SpfVerdict::none;
  r.identity = spf::SpfIdentity::helo;
  r.helo =
      "mx.b\xc3\xbc"
      "cher.test";
  r.domain = "mx.xn--bcher-kva.test";
  r.sender = "postmaster@mx.xn--bcher-kva.test";
  EXPECT_EQ(clause_text(spf_clause(r, authres::SpfScope::helo)),
            "spf=none smtp.helo=mx.xn--bcher-kva.test");
  r.helo = "[192.0.2.1]";
  r.domain = "[192.0.2.1]";
  EXPECT_EQ(clause_text(spf_clause(r, authres::SpfScope::helo)),
            "spf=none smtp.helo=\"[192.0.2.1]\"");
}

TEST(AuthresClauses, UntrustedTextCannotBreakTheLine) {
  dmarc::DmarcResult r;
  r.status = dmarc::DmarcStatus::none;
  r.reason = "evil\r\nX-Injected: 1";
  r.from_domain = "example.com";
  const std::string text = clause_text(dmarc_clause(r));
  EXPECT_EQ(text.find_first_of("\r\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace senderauth::pipeline
