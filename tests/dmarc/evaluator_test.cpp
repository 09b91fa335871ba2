#include <gtest/gtest.h>

#include <algorithm>
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <optional>
#include <string>

#include "dmarc_test_support.hpp"
#include "senderauth/dns/caching_resolver.hpp"
#include "support/query_only_resolver.hpp"

namespace senderauth::dmarc {
namespace {

using test::from;
using test::run;
using test::with_dkim;
using test::with_spf;

class Evaluator : public ::testing::Test {
 protected:
  void record(const std::string& domain, const std::string& text) {
    zone.add_txt("_dmarc." + domain, {text});
  }
  void exists(const std::string& domain) {
    zone.add_address(domain, IpAddress::parse("192.0.2.10").value());
  }
  dns::ZoneResolver zone;
};

// The awaitable is started lazily, after the full expression that made it: evaluate() must own
// its arguments, or this reads freed memory (the ASan build would say so).
TEST_F(Evaluator, AwaitableOwnsItsArguments) {
  record("bank.example", "v=DMARC1; p=reject");
  asio::io_context io;
  std::optional<DmarcResult> result;
  asio::co_spawn(io,
                 evaluate(zone, with_spf(from("bank.example"), std::string("attacker.example")),
                          DmarcOptions{}),
                 [&](std::exception_ptr e, DmarcResult r) {
                   if (!e) result = std::move(r);
                 });
  io.run();
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->status, DmarcStatus::fail);
  ASSERT_TRUE(result->policy.has_value());
  EXPECT_EQ(*result->policy, Policy::reject);

  result.reset();
  asio::co_spawn(
      io,
      evaluate_authors(zone, {"CEO <ceo@bank.example>"},
                       with_spf(DmarcInput{}, std::string("attacker.example")), DmarcOptions{}),
      [&](std::exception_ptr e, DmarcResult r) {
        if (!e) result = std::move(r);
      });
  io.restart();
  io.run();
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->status, DmarcStatus::fail);
  EXPECT_EQ(result->from_domain, "bank.example");
}

TEST_F(Evaluator, NoRecordIsNone) {
  const DmarcResult r = run(zone, with_spf(from("example.com"), "example.com"));
  EXPECT_EQ(r.status, DmarcStatus::none);
  EXPECT_FALSE(r.policy.has_value());
  EXPECT_FALSE(r.reason.empty());
}

TEST_F(Evaluator, StrictAndRelaxedSpf) {
  record("example.com", "v=DMARC1; p=reject");
  EXPECT_EQ(run(zone, with_spf(from("example.com"), "mail.example.com")).status, DmarcStatus::pass);
  zone = {};
  record("example.com", "v=DMARC1; p=reject; aspf=s");
  const DmarcResult strict = run(zone, with_spf(from("example.com"), "mail.example.com"));
  EXPECT_EQ(strict.status, DmarcStatus::fail);
  EXPECT_EQ(strict.disposition, Policy::reject);
  EXPECT_EQ(run(zone, with_spf(from("example.com"), "EXAMPLE.com.")).status, DmarcStatus::pass);
}

TEST_F(Evaluator, StrictAndRelaxedDkim) {
  record("example.com", "v=DMARC1; p=quarantine; adkim=s");
  const DmarcInput in = with_dkim(with_dkim(from("news.example.com"), "example.com"),
                                  "news.example.com", AuthOutcome::fail);
  EXPECT_EQ(run(zone, in).status, DmarcStatus::fail);
  zone = {};
  record("example.com", "v=DMARC1; p=quarantine");
  const DmarcResult relaxed = run(zone, in);
  EXPECT_EQ(relaxed.status, DmarcStatus::pass);
  EXPECT_TRUE(relaxed.dkim_aligned);
  EXPECT_EQ(relaxed.aligned_dkim_domain, "example.com");
}

TEST_F(Evaluator, OnlyPassingIdentifiersCount) {
  record("example.com", "v=DMARC1; p=reject");
  DmarcInput in = with_spf(from("example.com"), "example.com", AuthOutcome::softfail);
  in = with_dkim(in, "example.com", AuthOutcome::fail);
  EXPECT_EQ(run(zone, in).status, DmarcStatus::fail);
}

TEST_F(Evaluator, UnrelatedDomainsNeverAlign) {
  record("example.com", "v=DMARC1; p=reject");
  const DmarcResult r = run(zone, with_dkim(from("example.com"), "example.net"));
  EXPECT_EQ(r.status, DmarcStatus::fail);
}

TEST_F(Evaluator, SubdomainPolicy) {
  record("example.com", "v=DMARC1; p=reject; sp=quarantine");
  exists("sub.example.com");
  const DmarcResult r = run(zone, from("sub.example.com"));
  EXPECT_EQ(r.status, DmarcStatus::fail);
  EXPECT_EQ(r.policy, Policy::quarantine);
  EXPECT_EQ(r.policy_source, PolicySource::sp);
  EXPECT_EQ(r.policy_domain, "example.com");
}

TEST_F(Evaluator, NonexistentSubdomainPolicy) {
  record("example.com", "v=DMARC1; p=none; sp=quarantine; np=reject");
  const DmarcResult r = run(zone, from("ghost.example.com"));
  EXPECT_EQ(r.policy, Policy::reject);
  EXPECT_EQ(r.policy_source, PolicySource::np);
  EXPECT_FALSE(r.author_domain_exists);
  exists("real.example.com");
  EXPECT_EQ(run(zone, from("real.example.com")).policy, Policy::quarantine);
}

TEST_F(Evaluator, NoExistenceQueriesWhenNpChangesNothing) {
  record("example.com", "v=DMARC1; p=reject; np=reject");
  const DmarcResult r = run(zone, from("ghost.example.com"));
  EXPECT_EQ(r.policy, Policy::reject);
  for (const std::string& q : r.dns_queries) EXPECT_EQ(q.rfind("_dmarc.", 0), 0u) << q;
}

// With check_nonexistent off, np= is never applied and the author domain's existence is not
// looked up: the subdomain policy (sp=) applies to a name that does not exist.
TEST_F(Evaluator, NonexistentCheckOffAppliesTheSubdomainPolicy) {
  record("example.com", "v=DMARC1; p=none; sp=none; np=reject");
  DmarcOptions options;
  options.check_nonexistent = false;
  const DmarcResult r = run(zone, from("ghost.example.com"), options);
  EXPECT_EQ(r.policy, Policy::none);
  EXPECT_EQ(r.policy_source, PolicySource::sp);
  EXPECT_TRUE(r.author_domain_exists);
  for (const std::string& q : r.dns_queries) EXPECT_EQ(q.rfind("_dmarc.", 0), 0u) << q;
  EXPECT_EQ(run(zone, from("ghost.example.com")).policy, Policy::reject);  // on by default
}

TEST_F(Evaluator, AuthorRecordBeatsParent) {
  record("example.com", "v=DMARC1; p=reject");
  record("sub.example.com", "v=DMARC1; p=none");
  const DmarcResult r = run(zone, from("sub.example.com"));
  EXPECT_EQ(r.policy, Policy::none);
  EXPECT_EQ(r.policy_source, PolicySource::p);
}

TEST_F(Evaluator, WalkAppliesTheOrganisationalDomainsRecord) {
  // RFC 9989 4.10.1: not the first record up the tree, the organisational domain's.
  record("mail.example.com", "v=DMARC1; p=none");
  record("example.com", "v=DMARC1; p=reject");
  exists("a.mail.example.com");
  const DmarcResult r = run(zone, from("a.mail.example.com"));
  EXPECT_EQ(r.policy_domain, "example.com");
  EXPECT_EQ(r.org_domain, "example.com");
  EXPECT_EQ(r.policy, Policy::reject);
  zone = {};
  record("mail.example.com", "v=DMARC1; p=none; psd=n");
  record("example.com", "v=DMARC1; p=reject");
  const DmarcResult n = run(zone, from("a.mail.example.com"));
  EXPECT_EQ(n.policy_domain, "mail.example.com");
  EXPECT_EQ(n.policy, Policy::none);
}

TEST_F(Evaluator, PublicSuffixDomainRecordOnlyWithoutAnOrgRecord) {
  record("gov.test", "v=DMARC1; p=quarantine; np=reject; psd=y");
  record("agency.gov.test", "v=DMARC1; p=none");
  exists("mail.agency.gov.test");
  const DmarcResult org = run(zone, from("mail.agency.gov.test"));
  EXPECT_EQ(org.policy_domain, "agency.gov.test");
  EXPECT_EQ(org.policy, Policy::none);
  const DmarcResult psd = run(zone, from("mail.other.gov.test"));
  EXPECT_EQ(psd.policy_domain, "gov.test");
  EXPECT_EQ(psd.org_domain, "other.gov.test");
  EXPECT_EQ(psd.policy, Policy::reject);
  EXPECT_EQ(psd.policy_source, PolicySource::np);
}

TEST_F(Evaluator, BrokenParentRecordIsSkipped) {
  record("example.com", "v=DMARC1; p=none; p=reject");  // which p?
  const DmarcResult r = run(zone, from("sub.example.com"));
  EXPECT_EQ(r.status, DmarcStatus::none);
  EXPECT_NE(r.reason.find("_dmarc.example.com"), std::string::npos) << r.reason;
}

TEST_F(Evaluator, TemperrorHigherUpKeepsTheAuthorsOwnRecord) {
  record("example.com", "v=DMARC1; p=reject");
  zone.inject_failure("_dmarc.com", dns::Status::servfail);
  EXPECT_EQ(run(zone, with_spf(from("example.com"), "example.com")).status, DmarcStatus::pass);
  const DmarcResult r = run(zone, with_spf(from("example.com"), "mail.example.com"));
  EXPECT_EQ(r.status, DmarcStatus::temperror);  // relaxed alignment needed the walk
  EXPECT_EQ(run(zone, from("sub.example.com")).status, DmarcStatus::temperror);
}

TEST_F(Evaluator, TestingLowersOneLevel) {
  record("example.com", "v=DMARC1; p=reject; t=y");
  const DmarcResult r = run(zone, from("example.com"));
  EXPECT_EQ(r.policy, Policy::reject);
  EXPECT_EQ(r.disposition, Policy::quarantine);
  EXPECT_TRUE(r.lowered_by_testing);
  DmarcOptions ignore;
  ignore.apply_testing = false;
  EXPECT_EQ(run(zone, from("example.com"), ignore).disposition, Policy::reject);
}

TEST_F(Evaluator, PctSamplingWithInjectedRandom) {
  record("example.com", "v=DMARC1; p=quarantine; pct=30");
  DmarcOptions in_sample;
  in_sample.percent_roll = [] { return 29u; };
  EXPECT_EQ(run(zone, from("example.com"), in_sample).disposition, Policy::quarantine);
  DmarcOptions out_of_sample;
  out_of_sample.percent_roll = [] { return 30u; };
  const DmarcResult r = run(zone, from("example.com"), out_of_sample);
  EXPECT_EQ(r.disposition, Policy::none);
  EXPECT_TRUE(r.sampled_out);
  out_of_sample.apply_pct = false;
  EXPECT_EQ(run(zone, from("example.com"), out_of_sample).disposition, Policy::quarantine);
}

TEST_F(Evaluator, PctAndTestingLowerOnlyOnce) {
  record("example.com", "v=DMARC1; p=reject; pct=0; t=y");
  DmarcOptions o;
  o.percent_roll = [] { return 50u; };
  EXPECT_EQ(run(zone, from("example.com"), o).disposition, Policy::quarantine);
}

TEST_F(Evaluator, PassHasNoDisposition) {
  record("example.com", "v=DMARC1; p=reject");
  const DmarcResult r = run(zone, with_dkim(from("example.com"), "example.com"));
  EXPECT_EQ(r.status, DmarcStatus::pass);
  EXPECT_EQ(r.disposition, Policy::none);
  EXPECT_EQ(r.policy, Policy::reject);
  EXPECT_EQ(r.from_domain, "example.com");
}

TEST_F(Evaluator, TemperrorOnDnsFailure) {
  zone.inject_failure("_dmarc.example.com", dns::Status::servfail);
  const DmarcResult r = run(zone, from("example.com"));
  EXPECT_EQ(r.status, DmarcStatus::temperror);
  EXPECT_EQ(r.disposition, Policy::none);
}

TEST_F(Evaluator, TemperrorOnExistenceCheckFailure) {
  record("example.com", "v=DMARC1; p=none; np=reject");
  zone.inject_failure("ghost.example.com", dns::Status::timeout);
  EXPECT_EQ(run(zone, from("ghost.example.com")).status, DmarcStatus::temperror);
}

// The existence check only chooses between sp and np, which a pass does not need.
TEST_F(Evaluator, ExistenceCheckFailureDoesNotHideAnAlignedPass) {
  record("example.com", "v=DMARC1; p=reject; np=quarantine");
  zone.inject_failure("sub.example.com", dns::Status::servfail);
  const DmarcResult r = run(zone, with_spf(from("sub.example.com"), "example.com"));
  EXPECT_EQ(r.status, DmarcStatus::pass) << r.reason;
  EXPECT_TRUE(r.spf_aligned);
}

// RFC 9989 takes RFC 8020's meaning: only NXDOMAIN says a name does not exist. A name with
// no address or MX but with other records, or with names below it, exists.
TEST_F(Evaluator, OnlyNxdomainMakesAnAuthorDomainNonexistent) {
  record("org.test", "v=DMARC1; p=none; sp=none; np=reject");
  zone.add_txt("news.org.test", {"v=spf1 -all"});
  const DmarcResult txt_only = run(zone, from("news.org.test"));
  EXPECT_EQ(txt_only.status, DmarcStatus::fail);
  EXPECT_EQ(txt_only.policy_source, PolicySource::sp) << txt_only.reason;
  EXPECT_TRUE(txt_only.author_domain_exists);
  zone.add_txt("s1._domainkey.letters.org.test", {"v=DKIM1; p="});
  EXPECT_EQ(run(zone, from("letters.org.test")).policy_source, PolicySource::sp);
  const DmarcResult ghost = run(zone, from("ghost.org.test"));
  EXPECT_EQ(ghost.policy_source, PolicySource::np);
  EXPECT_EQ(ghost.disposition, Policy::reject);
}

// A CNAME whose target is gone exists: the NXDOMAIN its lookup ends in is the target's (RFC 6604
// 3, RFC 8020 2), so sp= applies, not np=. A dangling CNAME to a former mailing service is
// common, and np=reject would bounce such a subdomain's forwarded mail.
TEST_F(Evaluator, DanglingCnameIsAnExistingAuthorDomain) {
  record("org.test", "v=DMARC1; p=none; sp=none; np=reject");
  zone.add_cname("news.org.test", "lp.esp.example");
  const DmarcResult r = run(zone, from("news.org.test"));
  EXPECT_EQ(r.status, DmarcStatus::fail);
  EXPECT_EQ(r.policy_source, PolicySource::sp) << r.reason;
  EXPECT_TRUE(r.author_domain_exists);
  EXPECT_EQ(r.disposition, Policy::none);
}

// RFC 9989 4.8: a malformed tag-spec is ignored, not the record.
TEST_F(Evaluator, MalformedTagSpecKeepsThePolicy) {
  record("example.com", "v=DMARC1; p=none; reject");
  const DmarcResult r = run(zone, from("example.com"));
  EXPECT_EQ(r.status, DmarcStatus::fail);
  EXPECT_EQ(r.policy, Policy::none);
  record("bank.test", "v=DMARC1; p=reject; rua=mailto:d@bank.test; foo");
  record("sub.example.test", "v=DMARC1; p=quarantine; x=\xc3\xa4");
  record("example.test", "v=DMARC1; p=reject");
  EXPECT_EQ(run(zone, from("bank.test")).disposition, Policy::reject);
  const DmarcResult sub = run(zone, from("sub.example.test"));
  EXPECT_EQ(sub.policy_domain, "sub.example.test");
  EXPECT_EQ(sub.disposition, Policy::quarantine);
}

// Whoever runs the DNS of a passing identifier's domain can make its lookups fail. An
// identifier that cannot share the author's organisational domain (not at or below it) is
// not walked, so such a failure cannot turn a fail into temperror.
TEST_F(Evaluator, UnrelatedIdentifiersWalkCannotMakeTemperror) {
  record("bank.test", "v=DMARC1; p=reject");
  zone.add_txt("attacker.test", {"v=spf1 -all"});
  zone.inject_failure("_dmarc.attacker.test", dns::Status::servfail);
  zone.inject_failure("_dmarc.mail.attacker.test", dns::Status::servfail);
  DmarcInput in = with_spf(from("bank.test"), "attacker.test");
  in = with_dkim(in, "mail.attacker.test");
  const DmarcResult r = run(zone, in);
  EXPECT_EQ(r.status, DmarcStatus::fail) << r.reason;
  EXPECT_EQ(r.disposition, Policy::reject);
  for (const std::string& q : r.dns_queries) EXPECT_EQ(q.find("attacker"), std::string::npos) << q;
  // A related identifier still needs its walk, and its failure is still temperror.
  zone.inject_failure("_dmarc.mail.bank.test", dns::Status::servfail);
  EXPECT_EQ(run(zone, with_spf(from("bank.test"), "mail.bank.test")).status,
            DmarcStatus::temperror);
}

// An aligned SPF or DKIM temperror (the author organisation's own DNS failed) leaves DMARC
// open: temperror with the disposition a failure would get, not fail. An unaligned one, or one
// beside an aligned pass, changes nothing.
TEST_F(Evaluator, AlignedTemperrorIsTemperrorNotFail) {
  record("bank.test", "v=DMARC1; p=reject; pct=100");
  const DmarcResult dkim =
      run(zone, with_dkim(from("bank.test"), "mail.bank.test", AuthOutcome::temperror));
  EXPECT_EQ(dkim.status, DmarcStatus::temperror) << dkim.reason;
  EXPECT_TRUE(dkim.aligned_temperror);
  EXPECT_EQ(dkim.disposition, Policy::reject);
  EXPECT_NE(dkim.reason.find("DKIM d=mail.bank.test"), std::string::npos) << dkim.reason;
  const DmarcResult spf =
      run(zone, with_spf(from("bank.test"), "bank.test", AuthOutcome::temperror));
  EXPECT_EQ(spf.status, DmarcStatus::temperror) << spf.reason;
  EXPECT_TRUE(spf.aligned_temperror);

  // Not aligned: a fail stays a fail (the sender runs that DNS).
  const DmarcResult other =
      run(zone, with_dkim(from("bank.test"), "attacker.test", AuthOutcome::temperror));
  EXPECT_EQ(other.status, DmarcStatus::fail) << other.reason;
  EXPECT_FALSE(other.aligned_temperror);
  // Strict alignment: only the same name aligns.
  zone = {};
  record("bank.test", "v=DMARC1; p=quarantine; adkim=s; t=y");
  EXPECT_EQ(
      run(zone, with_dkim(from("bank.test"), "mail.bank.test", AuthOutcome::temperror)).status,
      DmarcStatus::fail);
  const DmarcResult testing =
      run(zone, with_dkim(from("bank.test"), "bank.test", AuthOutcome::temperror));
  EXPECT_EQ(testing.status, DmarcStatus::temperror);
  EXPECT_EQ(testing.disposition, Policy::none);  // t=y lowers it as for a failure
  // An aligned pass beside it: pass.
  EXPECT_EQ(run(zone, with_spf(with_dkim(from("bank.test"), "bank.test", AuthOutcome::temperror),
                               "bank.test"))
                .status,
            DmarcStatus::pass);
}

// A temperror identifier whose alignment cannot be decided (the walk for the organisational
// domain timed out) is no aligned temperror: the spoofer chooses that identifier, so counting
// it would turn the rejection of a spoof into a 4xx.
TEST_F(Evaluator, TemperrorOfUndecidableAlignmentIsNoAlignedTemperror) {
  record("victim.example", "v=DMARC1; p=reject");
  zone.inject_failure("_dmarc.example", dns::Status::timeout);
  for (const DmarcInput& in :
       {with_spf(from("victim.example"), "spoof.example", AuthOutcome::temperror),
        with_dkim(from("victim.example"), "spoof.example", AuthOutcome::temperror)}) {
    const DmarcResult r = run(zone, in);
    EXPECT_EQ(r.status, DmarcStatus::fail) << r.reason;
    EXPECT_FALSE(r.aligned_temperror);
    EXPECT_EQ(r.disposition, Policy::reject);
  }
}

// Strict alignment compares names: a failed walk for the author's organisational domain
// (needed only for relaxed alignment) does not make the result temperror.
TEST_F(Evaluator, StrictAlignmentNeedsNoOrganisationalDomain) {
  record("bank.test", "v=DMARC1; p=reject; aspf=s; adkim=s");
  zone.inject_failure("_dmarc.test", dns::Status::servfail);
  const DmarcResult r = run(zone, with_spf(from("bank.test"), "sender.example"));
  EXPECT_EQ(r.status, DmarcStatus::fail) << r.reason;
  EXPECT_EQ(r.disposition, Policy::reject);
  EXPECT_EQ(run(zone, with_spf(from("bank.test"), "bank.test")).status, DmarcStatus::pass);
  // Relaxed, a related name is left open by the failure; an unrelated one is not.
  zone = {};
  record("bank.test", "v=DMARC1; p=reject");
  zone.inject_failure("_dmarc.test", dns::Status::servfail);
  EXPECT_EQ(run(zone, with_spf(from("bank.test"), "mail.bank.test")).status,
            DmarcStatus::temperror);
  EXPECT_EQ(run(zone, with_spf(from("bank.test"), "sender.example")).status, DmarcStatus::fail);
}

// RFC 9989 4.10: a psd=y record ends the walk even at the start; there is no name below the
// start to take, so the start is its own organisational domain.
TEST_F(Evaluator, PsdYesAtTheStartEndsTheWalk) {
  record("gov.test", "v=DMARC1; p=reject; psd=y");
  record("test", "v=DMARC1; p=none");
  const DmarcResult r = run(zone, with_spf(from("gov.test"), "other.test"));
  EXPECT_EQ(r.org_domain, "gov.test");
  EXPECT_EQ(r.status, DmarcStatus::fail) << r.reason;
  EXPECT_EQ(r.disposition, Policy::reject);
}

TEST_F(Evaluator, RecordWithoutPolicyIsNone) {
  record("example.com", "v=DMARC1; sp=reject");
  EXPECT_EQ(run(zone, from("example.com")).status, DmarcStatus::none);
}

TEST_F(Evaluator, MultipleRecordsAreDiscarded) {
  zone.add_txt("_dmarc.sub.example.com", {"v=DMARC1; p=none"});
  zone.add_txt("_dmarc.sub.example.com", {"v=DMARC1; p=reject"});
  zone.add_txt("_dmarc.example.com", {"v=spf1 -all"});
  EXPECT_EQ(run(zone, from("sub.example.com")).status, DmarcStatus::none);
  record("example.com", "v=DMARC1; p=quarantine");
  exists("sub.example.com");
  EXPECT_EQ(run(zone, from("sub.example.com")).policy, Policy::quarantine);
}

TEST_F(Evaluator, TreeWalkQueriesAtMostEight) {
  record("example.com", "v=DMARC1; p=reject");
  const DmarcResult r = run(zone, from("a.b.c.d.e.f.g.h.i.j.mail.example.com"));
  std::size_t txt = 0;
  for (const std::string& q : r.dns_queries) txt += q.rfind("_dmarc.", 0) == 0;
  EXPECT_LE(txt, 8u);
  EXPECT_EQ(r.policy_domain, "example.com");
  EXPECT_EQ(r.org_domain, "example.com");
}

TEST_F(Evaluator, TreeWalkNames) {
  EXPECT_EQ(tree_walk_names("example.com"), (std::vector<std::string>{"example.com", "com"}));
  EXPECT_EQ(tree_walk_names("com"), (std::vector<std::string>{"com"}));
  EXPECT_EQ(tree_walk_names("a.b.c.d.e.f.g.h").size(), 8u);
  EXPECT_EQ(tree_walk_names("a.b.c.d.e.f.g.h")[1], "b.c.d.e.f.g.h");
  EXPECT_EQ(tree_walk_names("1.2.3.4.5.6.7.8.9.example")[1], "4.5.6.7.8.9.example");
  EXPECT_EQ(tree_walk_names("a.b.c.d.e.f.g.h.i.j", 3).size(), 3u);
}

TEST_F(Evaluator, OrgDomainPsdNoAndPsdYes) {
  record("mail.example.com", "v=DMARC1; p=none; psd=n");
  record("bank.example", "v=DMARC1; p=reject; psd=y");
  asio::io_context io;
  PolicyFinder finder(zone, {});
  EXPECT_EQ(dns::run_sync(io, finder.organizational_domain("x.y.mail.example.com")).domain,
            "mail.example.com");
  EXPECT_EQ(dns::run_sync(io, finder.organizational_domain("a.giant.bank.example")).domain,
            "giant.bank.example");
  EXPECT_EQ(dns::run_sync(io, finder.organizational_domain("bank.example")).domain, "bank.example");
  EXPECT_EQ(dns::run_sync(io, finder.organizational_domain("nothing.test")).domain, "nothing.test");
}

TEST_F(Evaluator, PslMethod) {
  auto psl = PublicSuffixList::load(
      senderauth::testing::conformance_path("dmarc/psl/public_suffix_list.dat").string());
  if (!psl) GTEST_SKIP() << psl.reason();
  record("example.co.uk", "v=DMARC1; p=reject; sp=quarantine");
  exists("a.b.example.co.uk");
  DmarcOptions o;
  o.discovery.method = OrgDomainMethod::public_suffix_list;
  o.discovery.psl = *psl;
  const DmarcResult r = run(zone, with_spf(from("a.b.example.co.uk"), "x.example.co.uk"), o);
  EXPECT_EQ(r.status, DmarcStatus::pass);
  EXPECT_EQ(r.org_domain, "example.co.uk");
  EXPECT_EQ(r.policy_source, PolicySource::sp);
  EXPECT_LE(r.dns_queries.size(), 2u);  // the author domain, then the org domain
  const DmarcResult fail = run(zone, from("a.b.example.co.uk"), o);
  EXPECT_EQ(fail.policy, Policy::quarantine);
}

// RFC 7489 6.6.3: the organisational domain is asked only when the author domain has no
// record; several there end discovery (step 5).
TEST_F(Evaluator, PslMethodSeveralRecordsAtTheAuthorDomainEndDiscovery) {
  auto psl = PublicSuffixList::load(
      senderauth::testing::conformance_path("dmarc/psl/public_suffix_list.dat").string());
  if (!psl) GTEST_SKIP() << psl.reason();
  zone.add_txt("_dmarc.sub.example.co.uk", {"v=DMARC1; p=none"});
  zone.add_txt("_dmarc.sub.example.co.uk", {"v=DMARC1; p=quarantine"});
  record("example.co.uk", "v=DMARC1; p=reject");
  DmarcOptions o;
  o.discovery.method = OrgDomainMethod::public_suffix_list;
  o.discovery.psl = *psl;
  const DmarcResult r = run(zone, from("sub.example.co.uk"), o);
  EXPECT_EQ(r.status, DmarcStatus::none) << r.reason;
  EXPECT_FALSE(r.policy.has_value());
}

TEST_F(Evaluator, PslMethodWithoutListIsPermerror) {
  DmarcOptions o;
  o.discovery.method = OrgDomainMethod::public_suffix_list;
  EXPECT_EQ(run(zone, from("example.com"), o).status, DmarcStatus::permerror);
}

TEST_F(Evaluator, EmptyOrBadAuthorDomainIsPermerror) {
  EXPECT_EQ(run(zone, from("")).status, DmarcStatus::permerror);
  const DmarcResult r = run(zone, from("bad..example"));
  EXPECT_EQ(r.status, DmarcStatus::permerror);
  EXPECT_EQ(zone.query_count(), 0u);
}

// RFC 8616 6: an author domain in U-labels is looked up and aligned as its A-labels, so a
// policy published for an internationalised name applies however the From: field writes it.
TEST_F(Evaluator, InternationalisedAuthorDomainUsesALabels) {
  const std::string u_label =
      "b\xc3\xbc"
      "cher.example";  // bücher.example
  const std::string a_label = "xn--bcher-kva.example";
  record(a_label, "v=DMARC1; p=reject");
  const DmarcResult spoofed = run(zone, from(u_label));
  EXPECT_EQ(spoofed.status, DmarcStatus::fail) << spoofed.reason;
  EXPECT_EQ(spoofed.disposition, Policy::reject);
  EXPECT_EQ(spoofed.from_domain, a_label);
  EXPECT_EQ(spoofed.policy_domain, a_label);
  // DKIM d= is always A-labels (RFC 6376 3.5); SPF's domain is converted by the SPF module.
  const DmarcResult signed_ = run(zone, with_dkim(from(u_label), "mail." + a_label));
  EXPECT_EQ(signed_.status, DmarcStatus::pass) << signed_.reason;
  EXPECT_EQ(run(zone, with_spf(from("B\xc3\x9c"
                                    "CHER.example"),
                               a_label))
                .status,
            DmarcStatus::pass);
  const DmarcResult bad = run(zone, from("\xe2\x98\x83.example"));  // U+2603: not IDNA2008
  EXPECT_EQ(bad.status, DmarcStatus::permerror);
  EXPECT_NE(bad.reason.find("not a valid internationalised domain name"), std::string::npos)
      << bad.reason;
}

TEST(AuthOutcome, Parse) {
  EXPECT_EQ(parse_auth_outcome("pass"), AuthOutcome::pass);
  EXPECT_EQ(parse_auth_outcome("fail (signature expired)"), AuthOutcome::fail);
  EXPECT_EQ(parse_auth_outcome("TempError"), AuthOutcome::temperror);
  EXPECT_EQ(parse_auth_outcome("whatever"), AuthOutcome::none);
}

TEST(Strictness, Ordering) {
  DmarcResult reject;
  reject.status = DmarcStatus::fail;
  reject.disposition = Policy::reject;
  DmarcResult none_fail;
  none_fail.status = DmarcStatus::fail;
  DmarcResult pass;
  pass.status = DmarcStatus::pass;
  EXPECT_TRUE(stricter(reject, none_fail));
  EXPECT_TRUE(stricter(none_fail, pass));
  EXPECT_FALSE(stricter(pass, reject));
  // The same disposition: the worse result is the stricter one.
  EXPECT_FALSE(stricter(pass, none_fail));
  DmarcResult temperror;
  temperror.status = DmarcStatus::temperror;
  DmarcResult none;
  none.status = DmarcStatus::none;
  EXPECT_TRUE(stricter(temperror, none));
  EXPECT_FALSE(stricter(none, temperror));
}

class Authors : public Evaluator {};

TEST_F(Authors, MultipleFromRejectedOrEvaluatedEach) {
  record("example.org", "v=DMARC1; p=none");
  record("example.com", "v=DMARC1; p=reject");
  const std::vector<std::string> values = {"Bad <spoof@example.org>, Good <a@example.com>"};
  const DmarcInput ids = with_dkim(DmarcInput{}, "example.org");
  asio::io_context io;
  DmarcOptions reject;
  const DmarcResult r = dns::run_sync(io, evaluate_authors(zone, values, ids, reject));
  EXPECT_EQ(r.status, DmarcStatus::permerror);
  EXPECT_NE(r.reason.find("2 mailboxes in 2 domains"), std::string::npos) << r.reason;
  EXPECT_EQ(r.from_problem, FromProblem::several_authors);
  DmarcOptions each;
  each.multiple_from = message::MultipleFromPolicy::evaluate_each;
  const DmarcResult e = dns::run_sync(io, evaluate_authors(zone, values, ids, each));
  EXPECT_EQ(e.status, DmarcStatus::fail);
  EXPECT_EQ(e.from_domain, "example.com");
  EXPECT_EQ(e.disposition, Policy::reject);
  EXPECT_EQ(e.from_problem, FromProblem::none);
  // A broken From field is a permerror of its own, not "several authors".
  const DmarcResult broken =
      dns::run_sync(io, evaluate_authors(zone, {"a@example.com, <b@example.org"}, ids, reject));
  EXPECT_EQ(broken.status, DmarcStatus::permerror);
  EXPECT_EQ(broken.from_problem, FromProblem::unusable);
}

// Evaluated each, two p=none authors, one aligned: the same disposition (none) for both, so the
// worse result is shown. The failing author was reported as dmarc=pass.
TEST_F(Authors, SameDispositionShowsTheFailingAuthor) {
  record("x.example", "v=DMARC1; p=none");
  record("y.example", "v=DMARC1; p=none");
  DmarcOptions each;
  each.multiple_from = message::MultipleFromPolicy::evaluate_each;
  asio::io_context io;
  for (const std::string value : {"a@x.example, b@y.example", "b@y.example, a@x.example"}) {
    const DmarcResult r = dns::run_sync(
        io, evaluate_authors(zone, {value}, with_spf(DmarcInput{}, "x.example"), each));
    EXPECT_EQ(r.status, DmarcStatus::fail) << value;
    EXPECT_EQ(r.from_domain, "y.example") << value;
  }
}

// The strictest result names every author domain that failed (or met a temperror), in From
// order, so that an override must speak for each, not only for the one whose result is shown.
TEST_F(Authors, EveryFailedAuthorDomainIsListed) {
  record("example.com", "v=DMARC1; p=reject");
  record("victim.example", "v=DMARC1; p=reject");
  record("quiet.example", "v=DMARC1; p=quarantine");
  record("signed.example", "v=DMARC1; p=reject");
  zone.inject_failure("_dmarc.slow.example", dns::Status::timeout);
  DmarcOptions each;
  each.multiple_from = message::MultipleFromPolicy::evaluate_each;
  const DmarcInput ids = with_dkim(DmarcInput{}, "signed.example");
  asio::io_context io;
  const DmarcResult r =
      dns::run_sync(io, evaluate_authors(zone,
                                         {"a@example.com, b@signed.example, c@quiet.example",
                                          "d@victim.example, e@none.example, f@slow.example"},
                                         ids, each));
  EXPECT_EQ(r.status, DmarcStatus::fail);
  EXPECT_EQ(r.from_domain, "example.com");  // the first of the two reject failures
  EXPECT_EQ(r.failed_domains, (std::vector<std::string>{"example.com", "quiet.example",
                                                        "victim.example", "slow.example"}));
  // One author domain: itself when it fails, nothing when it passes.
  EXPECT_EQ(dns::run_sync(io, evaluate_authors(zone, {"a@example.com"}, ids, each)).failed_domains,
            (std::vector<std::string>{"example.com"}));
  EXPECT_TRUE(dns::run_sync(io, evaluate_authors(zone, {"a@signed.example"}, ids, each))
                  .failed_domains.empty());
  EXPECT_EQ(run(zone, from("victim.example")).failed_domains,
            (std::vector<std::string>{"victim.example"}));
}

// Answers from a zone, but only through query(), and each query yields to the executor once
// before it answers: lookups that go out together are all started before the first answer,
// lookups made one after another never overlap. Counts how many were in flight at once.
class YieldingResolver final : public dns::Resolver {
 public:
  explicit YieldingResolver(dns::ZoneResolver& zone) : zone_(zone) {}
  asio::awaitable<dns::Answer> query(std::string name, dns::RecordType type) override {
    started.push_back(name);
    max_in_flight = std::max(max_in_flight, ++in_flight);
    co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
    --in_flight;
    co_return zone_.lookup(name, type);
  }
  std::vector<std::string> started;
  int in_flight = 0;
  int max_in_flight = 0;

 private:
  dns::ZoneResolver& zone_;
};

// Evaluating each of ten author domains: their policy lookups go out together (one round of
// DNS waits, not ten), and so do the alignment walks of the second step, as DKIM's and ARC's
// key lookups do.
TEST_F(Authors, SeveralAuthorsAreLookedUpConcurrently) {
  std::string from_value;
  DmarcInput ids;
  for (int n = 0; n < 10; ++n) {
    const std::string domain = "d" + std::to_string(n) + ".example";
    record(domain, "v=DMARC1; p=reject");
    from_value += (n == 0 ? "a@" : ", a@") + domain;
    ids = with_dkim(ids, "mail." + domain);  // relaxed: a walk for mail.dN.example's org domain
  }
  YieldingResolver resolver(zone);
  DmarcOptions each;
  each.multiple_from = message::MultipleFromPolicy::evaluate_each;
  DmarcEvaluation evaluation(resolver, each);
  evaluation.set_authors({from_value});
  asio::io_context io;
  dns::run_sync(io, [&]() -> asio::awaitable<int> {
    co_await evaluation.find();
    co_return 0;
  }());
  EXPECT_EQ(resolver.max_in_flight, 10);
  ASSERT_GE(resolver.started.size(), 10u);
  for (int n = 0; n < 10; ++n) {
    EXPECT_EQ(resolver.started[n], "_dmarc.d" + std::to_string(n) + ".example");
  }

  resolver.started.clear();
  resolver.max_in_flight = 0;
  const DmarcResult r = dns::run_sync(io, evaluation.judge(ids));
  EXPECT_EQ(r.status, DmarcStatus::pass) << r.reason;
  EXPECT_EQ(resolver.started.size(), 10u);  // _dmarc.mail.dN.example, once per author
  EXPECT_EQ(resolver.max_in_flight, 10);
}

// Evaluating each author domain is bounded: more than 16 is a permerror of its own, and none is
// looked up (each could cost 8 queries and a timeout; a sender names as many as it likes).
TEST_F(Authors, MoreAuthorDomainsThanAreEvaluatedIsAPermerror) {
  EXPECT_EQ(DmarcOptions{}.max_author_domains, 16u);
  auto from_value = [](int count) {
    std::string value;
    for (int n = 0; n < count; ++n)
      value += (n == 0 ? "a@d" : ", a@d") + std::to_string(n) + ".example";
    return value;
  };
  DmarcOptions each;
  each.multiple_from = message::MultipleFromPolicy::evaluate_each;
  asio::io_context io;
  zone.clear_query_log();
  const DmarcResult r = dns::run_sync(io, evaluate_authors(zone, {from_value(17)}, {}, each));
  EXPECT_EQ(r.status, DmarcStatus::permerror);
  EXPECT_EQ(r.from_problem, FromProblem::too_many_authors);
  EXPECT_EQ(r.reason, "From fields name 17 author domains, where at most 16 are evaluated");
  EXPECT_TRUE(zone.query_log().empty());
  EXPECT_EQ(dns::run_sync(io, evaluate_authors(zone, {from_value(16)}, {}, each)).status,
            DmarcStatus::none);
  // Domains on the ignore list are not evaluated, so they do not count.
  DmarcEvaluation ignoring(zone, each);
  ignoring.set_authors({from_value(17)}, [](const std::string& d) { return d == "d0.example"; });
  dns::run_sync(io, [&]() -> asio::awaitable<int> {
    co_await ignoring.find();
    co_return 0;
  }());
  const DmarcInput none;
  EXPECT_EQ(dns::run_sync(io, ignoring.judge(none)).status, DmarcStatus::none);
}

// The pipeline's two steps: find() asks only for what the From field needs, judge() for the
// identities' organisational domains, and together they give evaluate_authors()'s result.
TEST_F(Authors, TwoStepsGiveTheOneCallResult) {
  record("example.com", "v=DMARC1; p=reject");
  record("other.example", "v=DMARC1; p=none");
  const std::vector<std::string> values = {"Alice <alice@mail.example.com>"};
  const DmarcInput ids = with_dkim(DmarcInput{}, "news.example.com");
  const DmarcOptions options;
  asio::io_context io;
  zone.clear_query_log();
  DmarcEvaluation evaluation(zone, options);
  evaluation.set_authors(values);
  dns::run_sync(io, [&]() -> asio::awaitable<int> {
    co_await evaluation.find();
    co_return 0;
  }());
  std::vector<std::string> found;
  for (const auto& [name, type] : zone.query_log()) found.push_back(name);
  // The author domain's record, then the tree walk for its organisational domain.
  EXPECT_EQ(found, (std::vector<std::string>{"_dmarc.mail.example.com", "_dmarc.example.com",
                                             "_dmarc.com"}));
  const DmarcResult two = dns::run_sync(io, evaluation.judge(ids));
  ASSERT_EQ(zone.query_log().size(), found.size() + 1);  // news.example.com's own walk
  EXPECT_EQ(zone.query_log().back().first, "_dmarc.news.example.com");
  const DmarcResult one = dns::run_sync(io, evaluate_authors(zone, values, ids, options));
  EXPECT_EQ(two.status, DmarcStatus::pass);  // relaxed: news.example.com aligns
  EXPECT_EQ(two.status, one.status);
  EXPECT_EQ(two.reason, one.reason);
  EXPECT_EQ(two.disposition, one.disposition);
  EXPECT_EQ(two.dns_queries, one.dns_queries);
}

TEST_F(Authors, RecordsAtHandOnlyWhenTheResolverHasThem) {
  record("example.com", "v=DMARC1; p=reject");
  testing::QueryOnlyResolver slow(zone);  // like a resolver before its cache has the answer
  dns::CachingResolver cache(slow);
  const DmarcOptions options;
  DmarcEvaluation cold(cache, options);
  cold.set_authors({"a@example.com"});
  EXPECT_FALSE(cold.records_at_hand());
  asio::io_context io;
  dns::run_sync(io, evaluate_authors(cache, {"a@example.com"}, {}, options));
  DmarcEvaluation warm(cache, options);
  warm.set_authors({"a@example.com"});
  EXPECT_TRUE(warm.records_at_hand());
  // An in-memory zone has every answer at hand.
  DmarcEvaluation zone_evaluation(zone, options);
  zone_evaluation.set_authors({"a@example.com"});
  EXPECT_TRUE(zone_evaluation.records_at_hand());
}

// Misuse gives an error result, never a pass nor undefined behaviour.
TEST_F(Authors, JudgeWithoutTheStepsBeforeIsAnError) {
  record("example.com", "v=DMARC1; p=reject");
  const DmarcOptions options;
  asio::io_context io;
  DmarcEvaluation no_authors(zone, options);
  EXPECT_EQ(dns::run_sync(io, no_authors.judge({})).status, DmarcStatus::permerror);
  DmarcEvaluation not_found(zone, options);
  not_found.set_authors({"a@example.com"});
  const DmarcResult r = dns::run_sync(io, not_found.judge(with_dkim(DmarcInput{}, "example.com")));
  EXPECT_EQ(r.status, DmarcStatus::temperror);
  EXPECT_EQ(r.reason, "the policy of example.com was not looked up");
}

TEST_F(Authors, NoFromIsPermerror) {
  asio::io_context io;
  const DmarcResult r = dns::run_sync(io, evaluate_authors(zone, {}, {}, {}));
  EXPECT_EQ(r.status, DmarcStatus::permerror);
  EXPECT_EQ(r.reason, "no From field");
}

}  // namespace
}  // namespace senderauth::dmarc
