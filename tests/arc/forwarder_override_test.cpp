#include "senderauth/arc/forwarder_override.hpp"

#include <gtest/gtest.h>

#include "senderauth/arc/arc_result.hpp"

namespace senderauth::arc {
namespace {

constexpr std::string_view kVouched =
    "mx.example; spf=pass smtp.mailfrom=a@example.com; dmarc=pass header.from=example.com";

ArcSetReport set(int instance, std::string domain, std::optional<bool> ams_valid = true,
                 std::string_view aar = kVouched) {
  ArcSetReport report;
  report.instance = instance;
  report.seal_domain = std::move(domain);
  report.ams_valid = ams_valid;
  report.seal_valid = true;
  report.aar_payload = std::string(aar);
  return report;
}

// A passing chain: relay.example.net sealed i=1, lists.example.org i=2; every AMS verifies.
ArcResult chain(std::vector<ArcSetReport> sets = {set(1, "relay.example.net"),
                                                  set(2, "lists.example.org")}) {
  ArcResult result;
  result.status = ChainStatus::pass;
  result.instances = static_cast<int>(sets.size());
  result.sets = std::move(sets);
  return result;
}

const std::vector<std::string> kAuthor = {"example.com"};

ForwarderOverride decide(const ArcResult& c, const std::vector<std::string>& trusted) {
  return trusted_forwarder_override(true, c, kAuthor, trusted);
}

TEST(ForwarderOverride, AppliesForTrustedSealerOfPassingChain) {
  auto d = decide(chain(), {"Relay.Example.NET."});
  EXPECT_TRUE(d.applies) << d.comment;
  EXPECT_FALSE(d.refused);
  EXPECT_EQ(d.reason_type, "arc");
  EXPECT_EQ(d.trusted_sealer, "relay.example.net");
}

TEST(ForwarderOverride, NewestTrustedSealerIsNamed) {
  auto d = decide(chain(), {"relay.example.net", "lists.example.org"});
  ASSERT_TRUE(d.applies);
  EXPECT_EQ(d.trusted_sealer, "lists.example.org");
}

TEST(ForwarderOverride, SubdomainEntries) {
  EXPECT_TRUE(decide(chain(), {".example.org"}).applies);
  EXPECT_TRUE(decide(chain(), {"*.example.org"}).applies);
  EXPECT_FALSE(decide(chain({set(1, "example.org")}), {".example.org"}).applies);
  // A plain entry is not a suffix match.
  EXPECT_FALSE(decide(chain(), {"example.org"}).applies);
  EXPECT_FALSE(decide(chain({set(1, "evilexample.org")}), {".example.org"}).applies);
}

// "*." or "." alone names the root, under which every sealer is: such an entry, or any that is
// not a domain name, trusts nobody (the command line refuses it outright).
TEST(ForwarderOverride, EntryThatNamesNoDomainTrustsNobody) {
  const ArcResult c = chain({set(1, "mx.attacker.example")});
  for (const std::string entry : {"*.", ".", "..", "*..", "*", "*.*.example", "mx attacker.example",
                                  "*.mx.attacker..example"}) {
    EXPECT_FALSE(decide(c, {entry}).applies) << entry;
    EXPECT_FALSE(check_trusted_sealer(entry).ok()) << entry;
  }
  EXPECT_EQ(check_trusted_sealer("*.").reason(),
            "'*.' names no domain after the wildcard: it would trust every sealer");
  EXPECT_EQ(check_trusted_sealer("lists..example").reason(),
            "'lists..example' is not a domain name (empty label (\"..\") in domain name)");
  for (const std::string entry : {"mx.attacker.example", "MX.Attacker.Example.", ".example",
                                  "*.attacker.example", "_arc.example"}) {
    EXPECT_TRUE(check_trusted_sealer(entry).ok()) << entry;
  }
  EXPECT_TRUE(decide(c, {"*.attacker.example"}).applies);
}

TEST(ForwarderOverride, NeverWithoutDmarcFailureOrPassingChain) {
  const std::vector<std::string> trusted = {"lists.example.org"};
  EXPECT_FALSE(trusted_forwarder_override(false, chain(), kAuthor, trusted).applies);
  ArcResult failed = chain();
  failed.status = ChainStatus::fail;
  auto fail = decide(failed, trusted);
  EXPECT_FALSE(fail.applies);
  EXPECT_FALSE(fail.refused);
  EXPECT_NE(fail.comment.find("fail"), std::string::npos);
  EXPECT_FALSE(decide(ArcResult{}, trusted).applies);
  EXPECT_FALSE(decide(chain(), {}).applies);
  EXPECT_FALSE(decide(chain(), {""}).applies);
  EXPECT_FALSE(decide(chain(), {}).refused);  // no trusted sealer: nothing was refused
}

TEST(ForwarderOverride, NotForAFieldAddedAfterSealing) {
  const std::vector<std::string> trusted = {"lists.example.org"};
  ArcResult replayed = chain();
  replayed.sets[1].unsigned_duplicates = "2 Subject fields, 1 signed";
  replayed.unsigned_duplicates = replayed.sets[1].unsigned_duplicates;
  auto d = decide(replayed, trusted);
  EXPECT_FALSE(d.applies);
  EXPECT_TRUE(d.refused);
  EXPECT_EQ(d.comment,
            "sealed by trusted forwarder lists.example.org, but its ARC-Message-Signature leaves "
            "a copy unsigned (2 Subject fields, 1 signed; RFC 6376 8.15)");
  EXPECT_TRUE(trusted_forwarder_override(true, replayed, kAuthor, trusted,
                                         {.refuse_unsigned_duplicates = false})
                  .applies);
}

// RFC 6376 8.2: an AMS with l= vouches for the body up to l= only. Refused when the site refuses
// such DKIM signatures too (--refuse-partial-body); judged on the set that vouches.
TEST(ForwarderOverride, PartialBodyRefusedOnlyWhenAsked) {
  const std::vector<std::string> trusted = {"relay.example.net"};
  ArcResult appended = chain();
  appended.sets[0].unsigned_body = "l= leaves 77 of 120 body bytes unsigned";
  EXPECT_TRUE(decide(appended, trusted).applies);
  auto d = trusted_forwarder_override(true, appended, kAuthor, trusted,
                                      {.partial_body = dkim::PartialBody::refuse});
  EXPECT_FALSE(d.applies);
  EXPECT_TRUE(d.refused);
  EXPECT_EQ(d.comment,
            "sealed by trusted forwarder relay.example.net, but its ARC-Message-Signature leaves "
            "part of the body unsigned (l= leaves 77 of 120 body bytes unsigned; RFC 6376 8.2)");
  // Another set's l= is not the vouching set's.
  EXPECT_TRUE(trusted_forwarder_override(true, appended, kAuthor, {"lists.example.org"},
                                         {.partial_body = dkim::PartialBody::refuse})
                  .applies);
}

// The set that vouches is judged by its own h=: a newer set, which anybody can add, signing the
// added copy too (h=subject:subject) does not make the trusted sealer vouch for it. Nor does a
// newer set that leaves a copy unsigned take away what the trusted sealer signed.
TEST(ForwarderOverride, DuplicatesAreJudgedByTheVouchingSetsOwnSignature) {
  const std::vector<std::string> trusted = {"relay.example.net"};
  ArcResult resealed = chain({set(1, "relay.example.net"), set(2, "mx.attacker.example")});
  resealed.sets[0].unsigned_duplicates = "2 Subject fields, 1 signed";
  auto d = decide(resealed, trusted);
  EXPECT_FALSE(d.applies);
  EXPECT_TRUE(d.refused);
  EXPECT_EQ(d.comment,
            "sealed by trusted forwarder relay.example.net, but its ARC-Message-Signature leaves "
            "a copy unsigned (2 Subject fields, 1 signed; RFC 6376 8.15)");

  ArcResult newer_only = chain({set(1, "relay.example.net"), set(2, "mx.other.example")});
  newer_only.sets[1].unsigned_duplicates = "2 Subject fields, 1 signed";
  newer_only.unsigned_duplicates = newer_only.sets[1].unsigned_duplicates;
  d = decide(newer_only, trusted);
  EXPECT_TRUE(d.applies) << d.comment;
}

// RFC 8617 5.2 step 5: a later hop altered the message, so the trusted sealer's AMS broke
// (oldest-pass 2). It vouched for a message that is no longer the one delivered.
TEST(ForwarderOverride, NotWhenTheTrustedSealersSignatureNoLongerVerifies) {
  ArcResult altered = chain({set(1, "relay.example.net", false), set(2, "mx.attacker.example")});
  altered.oldest_pass = 2;
  auto d = decide(altered, {"relay.example.net"});
  EXPECT_FALSE(d.applies);
  EXPECT_TRUE(d.refused);
  EXPECT_EQ(d.comment,
            "sealed by trusted forwarder relay.example.net, but its ARC-Message-Signature no "
            "longer verifies (i=1, oldest-pass 2)");

  // Below a broken AMS the verifier stops checking: such a set counts as broken too.
  altered = chain({set(1, "relay.example.net", std::nullopt), set(2, "mx.attacker.example", false),
                   set(3, "mx.attacker.example")});
  altered.oldest_pass = 3;
  EXPECT_NE(decide(altered, {"relay.example.net"}).comment.find("no longer verifies (i=1"),
            std::string::npos);
}

// A trusted set older than the AMSs the verifier checks (kMaxCheckedAms) is not known to
// verify: refused, and the comment says it was not checked rather than that it broke.
TEST(ForwarderOverride, NotForASetWhoseSignatureWasNotChecked) {
  ArcResult c = chain({set(1, "relay.example.net", std::nullopt), set(2, "lists.example.org")});
  c.sets[0].ams_reason = "not checked: only the newest 16 ARC-Message-Signatures are";
  c.oldest_pass = 2;
  auto d = decide(c, {"relay.example.net"});
  EXPECT_TRUE(d.refused);
  EXPECT_EQ(d.comment,
            "sealed by trusted forwarder relay.example.net, but its ARC-Message-Signature (i=1) "
            "was not checked: only the newest 16 ARC-Message-Signatures are");
}

// The newest trusted set whose AMS verifies is the one that vouches, not merely the newest.
TEST(ForwarderOverride, NewestTrustedSetWhoseSignatureVerifies) {
  ArcResult c = chain({set(1, "relay.example.net"), set(2, "lists.example.org", false),
                       set(3, "mx.other.example")});
  c.oldest_pass = 3;
  EXPECT_TRUE(decide(c, {"lists.example.org"}).refused);
  c.oldest_pass = 0;
  c.sets[1].ams_valid = true;
  auto d = decide(c, {"relay.example.net", "lists.example.org"});
  ASSERT_TRUE(d.applies) << d.comment;
  EXPECT_EQ(d.trusted_sealer, "lists.example.org");
}

// A list at a trusted domain vouched (i=1); a second trusted hop (the same organisation
// forwarding, or a subdomain of it) recorded the dmarc=fail that the list's forwarding caused.
// The older set's AMS still verifies, so it vouches: trusting one more sealer never turns an
// accepted message into a rejected one. Refused only when no trusted set vouches, with the
// newest one's reason.
TEST(ForwarderOverride, AnOlderTrustedSetVouchesWhenANewerOneRecordedTheFailure) {
  constexpr std::string_view kForwarded =
      "mx2.example.org; arc=pass; dmarc=fail (p=reject) header.from=example.com";
  ArcResult c = chain({set(1, "lists.example.org"), set(2, "mx2.example.org", true, kForwarded)});
  auto d = decide(c, {"lists.example.org", "mx2.example.org"});
  ASSERT_TRUE(d.applies) << d.comment;
  EXPECT_EQ(d.trusted_sealer, "lists.example.org");
  EXPECT_TRUE(decide(c, {".example.org"}).applies);
  d = decide(c, {"mx2.example.org"});
  EXPECT_TRUE(d.refused);
  EXPECT_EQ(d.comment,
            "sealed by trusted forwarder mx2.example.org, but it recorded dmarc=fail for "
            "example.com");
  // Neither vouches: the newest one's reason.
  c.sets[0].unsigned_duplicates = "2 Subject fields, 1 signed";
  d = decide(c, {".example.org"});
  EXPECT_TRUE(d.refused);
  EXPECT_EQ(d.trusted_sealer, "mx2.example.org");
  EXPECT_NE(d.comment.find("recorded dmarc=fail"), std::string::npos);
  // An older set whose AMS broke vouches for nothing, whatever it recorded.
  c.sets[0].unsigned_duplicates.clear();
  c.sets[0].ams_valid = false;
  c.oldest_pass = 2;
  EXPECT_FALSE(decide(c, {".example.org"}).applies);
}

TEST(ForwarderOverride, OnlyWhenTheTrustedSealerRecordedDmarcPassForTheAuthor) {
  const std::vector<std::string> trusted = {"lists.example.org"};
  auto with_aar = [](std::string_view aar) {
    return chain({set(1, "relay.example.net"), set(2, "lists.example.org", true, aar)});
  };
  auto d = decide(with_aar("lists.example.org; spf=pass smtp.mailfrom=m@attacker.example;\r\n"
                           "  dmarc=fail (p=reject) header.from=example.com"),
                  trusted);
  EXPECT_FALSE(d.applies);
  EXPECT_TRUE(d.refused);
  EXPECT_EQ(d.comment,
            "sealed by trusted forwarder lists.example.org, but it recorded dmarc=fail for "
            "example.com");
  EXPECT_EQ(
      decide(with_aar("lists.example.org; spf=pass smtp.mailfrom=a@example.com"), trusted).comment,
      "sealed by trusted forwarder lists.example.org, but it recorded no dmarc=pass for "
      "example.com");
  // A pass for another author domain says nothing about this one.
  EXPECT_FALSE(decide(with_aar("l.example; dmarc=pass header.from=example.net"), trusted).applies);
  // A pass beside a failure for the same domain is no clear vouch.
  EXPECT_FALSE(decide(with_aar("l.example; dmarc=pass header.from=example.com; dmarc=fail "
                               "header.from=example.com"),
                      trusted)
                   .applies);
  EXPECT_TRUE(
      decide(with_aar("l.example; dmarc=pass (ok) header.from=Example.COM"), trusted).applies);
  EXPECT_NE(decide(with_aar("l.example; dmarc=pass header.from=(("), trusted)
                .comment.find("cannot be read"),
            std::string::npos);
}

// With several author domains evaluated each, the set must vouch for every one that failed: a
// list that recorded dmarc=pass for its own post's author did not vouch for a second From
// mailbox (or field) of a p=reject domain beside it. The refusal names the domain left out.
TEST(ForwarderOverride, EveryFailedAuthorDomainMustBeVouchedFor) {
  const std::vector<std::string> trusted = {"lists.example.org"};
  const std::vector<std::string> two = {"example.com", "victim.example"};
  const ArcResult one_vouched = chain({set(1, "lists.example.org")});
  auto d = trusted_forwarder_override(true, one_vouched, two, trusted);
  EXPECT_FALSE(d.applies);
  EXPECT_TRUE(d.refused);
  EXPECT_EQ(d.comment,
            "sealed by trusted forwarder lists.example.org, but it recorded no dmarc=pass for "
            "victim.example");
  // The order does not matter.
  EXPECT_FALSE(
      trusted_forwarder_override(true, one_vouched, {"victim.example", "example.com"}, trusted)
          .applies);
  const ArcResult both = chain({set(1, "lists.example.org", true,
                                    "l.example; dmarc=pass header.from=example.com;"
                                    " dmarc=pass header.from=victim.example")});
  EXPECT_TRUE(trusted_forwarder_override(true, both, two, trusted).applies);
  const ArcResult one_failed = chain({set(1, "lists.example.org", true,
                                          "l.example; dmarc=pass header.from=example.com;"
                                          " dmarc=fail header.from=victim.example")});
  EXPECT_EQ(trusted_forwarder_override(true, one_failed, two, trusted).comment,
            "sealed by trusted forwarder lists.example.org, but it recorded dmarc=fail for "
            "victim.example");
  // Nothing to vouch for: no override.
  EXPECT_FALSE(trusted_forwarder_override(true, both, {}, trusted).applies);
}

TEST(ForwarderOverride, RecordedAuthorDomainIsComparedAsALabels) {
  ArcResult c = chain({set(1, "lists.example.org", true,
                           "l.example; dmarc=pass header.from=b\xc3\xbc"
                           "cher.example")});
  EXPECT_TRUE(trusted_forwarder_override(true, c, {"xn--bcher-kva.example"}, {"lists.example.org"})
                  .applies);
  EXPECT_FALSE(
      trusted_forwarder_override(true, c, {"bucher.example"}, {"lists.example.org"}).applies);
}

}  // namespace
}  // namespace senderauth::arc
