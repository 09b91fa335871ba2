// The whole pipeline on the bundled demo zone and messages (demo/), plus local-policy rules.
#include "senderauth/pipeline/authenticator.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <chrono>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "senderauth/arc/sealer.hpp"
#include "senderauth/authres/parser.hpp"
#include "senderauth/core/base64.hpp"
#include "senderauth/dkim/crypto.hpp"
#include "senderauth/dkim/signer.hpp"
#include "senderauth/dns/run_sync.hpp"
#include "senderauth/dns/zone_resolver.hpp"
#include "support/arc_body_length.hpp"
#include "support/conformance.hpp"

namespace senderauth::pipeline {
namespace {

using senderauth::testing::read_file_bytes;

const std::string kDemo = std::string(SENDERAUTH_SOURCE_DIR) + "/demo/";
// The demo messages were signed on 2026-11-23; verify as of that day so they never expire.
constexpr std::int64_t kDemoNow = 1795430000;

class SlowDemoResolver;

class AuthenticatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = zone_.load_file(kDemo + "zone/demo.zone");
    ASSERT_TRUE(loaded.ok()) << loaded.reason();
    policy_.authserv_id = "mx.example.net";
    policy_.dkim.now = kDemoNow;
    policy_.arc.now = kDemoNow;
  }

  static Envelope good_envelope() {
    Envelope e;
    e.client_ip = *IpAddress::parse("192.0.2.25");
    e.helo = "mail.example.test";
    e.mail_from = "alice@example.test";
    e.rcpt_to = {"bob@example.net"};
    return e;
  }

  static Envelope attacker_envelope() {
    Envelope e;
    e.client_ip = *IpAddress::parse("203.0.113.66");
    e.helo = "mx.attacker.example";
    e.mail_from = "bounce@attacker.example";
    e.rcpt_to = {"bob@example.net"};
    return e;
  }

  Verdict check(const Envelope& envelope, const std::string& message) {
    Authenticator authenticator(zone_, policy_);
    asio::io_context io;
    return dns::run_sync(io, authenticator.check(envelope, message));
  }

  static std::string demo_message(const std::string& name) {
    return read_file_bytes(kDemo + "messages/" + name);
  }

  // Signs as example.test with the demo RSA key (published in the demo zone).
  static dkim::SignerConfig demo_rsa_signer() {
    auto key =
        dkim::PrivateKey::from_pem(read_file_bytes(kDemo + "keys/demo-rsa.example.test.pem"));
    if (!key) throw std::runtime_error("demo key: " + key.reason());
    dkim::SignerConfig config;
    config.key = *key;
    config.domain = "example.test";
    config.selector = "demo-rsa";
    // Signed at the tests' fixed clock, not the wall clock: verified at kDemoNow, a t= more than
    // a day later is "in the future" (these tests began failing a day after kDemoNow).
    config.timestamp = kDemoNow - 60;
    return config;
  }

  // A mailing list at lists.example.net altered the body of the spoofed demo message (DKIM
  // fails) and re-sent it from its own address (SPF not aligned), sealing it with ARC first;
  // its key is published in zone_. Empty if sealing failed.
  // `dmarc` is the list's own DMARC result for example.test, as its AAR records it.
  // `headers`: the list's AMS h= (empty: the sealer's default, which oversigns).
  std::string list_forwarded_message(std::string_view dmarc = "pass",
                                     std::vector<std::string> headers = {}) {
    const std::string received =
        "Authentication-Results: lists.example.net; spf=pass smtp.mailfrom=alice@example.test;"
        " dkim=pass header.d=example.test; dmarc=" +
        std::string(dmarc) + " header.from=example.test\r\n" + demo_message("2-spoofed-from.eml");
    return seal_as("lists.example.net", received, std::move(headers));
  }

  // The h= of a sealer that signs each field once and oversigns nothing (another
  // implementation's list): a field added on top leaves its AMS verifying.
  static std::vector<std::string> not_oversigned() {
    return {"from", "to", "subject", "date", "message-id"};
  }

  // Sealing as `domain`: selector "arc", the demo RSA key (published in zone_ the first time),
  // the demo clock. Nothing if the key cannot be read.
  std::optional<arc::SealOptions> seal_options(const std::string& domain) {
    auto key =
        dkim::PrivateKey::from_pem(read_file_bytes(kDemo + "keys/demo-rsa.example.test.pem"));
    if (!key) return std::nullopt;
    if (sealers_.insert(domain).second) {
      zone_.add_txt("arc._domainkey." + domain,
                    {"v=DKIM1; k=rsa; p=" + base64_encode(key->public_key_der())});
    }
    arc::SealOptions seal;
    seal.domain = domain;
    seal.selector = "arc";
    seal.authserv_id = domain;
    seal.key = *key;
    seal.timestamp = kDemoNow;
    return seal;
  }

  // `message` with an ARC set of `domain` on top (selector "arc", the demo RSA key, published
  // in zone_), copying that domain's Authentication-Results; its AMS signs `headers` (empty:
  // the sealer's default). Empty if sealing failed.
  std::string seal_as(const std::string& domain, const std::string& message,
                      std::vector<std::string> headers = {}) {
    auto seal = seal_options(domain);
    if (!seal) return {};
    seal->headers = std::move(headers);
    auto sealed = arc::seal_message(message, *seal);
    if (!sealed || !sealed->sealed) return {};
    return sealed->fields() + message;
  }

  // seal_as(), but the AMS signs only the first `body_length` octets of the relaxed body (l=),
  // and the AAR records `results`.
  std::string seal_part_as(const std::string& domain, const std::string& message,
                           std::uint64_t body_length, const std::string& results,
                           const std::vector<std::string>& signed_headers = {
                               "from", "to", "subject", "content-type"}) {
    auto seal = seal_options(domain);
    if (!seal) return {};
    seal->auth_results = results;
    return testing::seal_with_body_length(message, *seal, body_length, signed_headers);
  }

  static Envelope list_envelope() {
    Envelope e = good_envelope();
    e.client_ip = *IpAddress::parse("198.51.100.25");  // mx.example.net serves lists too
    e.helo = "mx.example.net";
    e.mail_from = "list-bounces@lists.example.net";
    return e;
  }

  Verdict check_with_body_late(SlowDemoResolver& slow, const Envelope& envelope,
                               const std::string& message, std::vector<std::string>& before_body);

  // Where the header section ends (after its empty line).
  static std::size_t body_start(const std::string& message) {
    return message.find("\n\r\n") != std::string::npos ? message.find("\n\r\n") + 3
                                                       : message.find("\n\n") + 2;
  }

  dns::ZoneResolver zone_;
  std::set<std::string> sealers_;  // whose ARC key zone_ publishes
  LocalPolicy policy_;
};

TEST_F(AuthenticatorTest, AllPass) {
  Verdict v = check(good_envelope(), demo_message("1-all-pass.eml"));
  EXPECT_EQ(v.action, Action::accept) << v.reason;
  ASSERT_TRUE(v.iprev);
  EXPECT_EQ(iprev::to_string(v.iprev->status), "pass");
  ASSERT_TRUE(v.spf_mailfrom);
  EXPECT_EQ(v.spf_mailfrom->verdict, spf::SpfVerdict::pass);
  ASSERT_TRUE(v.spf_helo);
  EXPECT_EQ(v.spf_helo->verdict, spf::SpfVerdict::pass);
  ASSERT_EQ(v.dkim.size(), 2u);
  EXPECT_EQ(v.dkim[0].status, dkim::DkimStatus::pass) << v.dkim[0].reason;
  EXPECT_EQ(v.dkim[1].status, dkim::DkimStatus::pass) << v.dkim[1].reason;
  ASSERT_TRUE(v.dmarc);
  EXPECT_EQ(v.dmarc->status, dmarc::DmarcStatus::pass) << v.dmarc->reason;
  EXPECT_TRUE(v.dmarc->spf_aligned);
  EXPECT_TRUE(v.dmarc->dkim_aligned);
  ASSERT_TRUE(v.arc);
  EXPECT_EQ(v.arc->status, arc::ChainStatus::none);

  const std::string& ar = v.authentication_results;
  EXPECT_EQ(ar.rfind("Authentication-Results: mx.example.net;", 0), 0u) << ar;
  EXPECT_NE(ar.find("iprev=pass"), std::string::npos) << ar;
  EXPECT_NE(ar.find("spf=pass"), std::string::npos) << ar;
  EXPECT_NE(ar.find("smtp.mailfrom=alice@example.test"), std::string::npos) << ar;
  EXPECT_NE(ar.find("smtp.helo=mail.example.test"), std::string::npos) << ar;
  EXPECT_NE(ar.find("header.s=demo-rsa"), std::string::npos) << ar;
  EXPECT_NE(ar.find("header.s=demo-ed"), std::string::npos) << ar;
  EXPECT_NE(ar.find("dmarc=pass"), std::string::npos) << ar;
  EXPECT_NE(ar.find("header.from=example.test"), std::string::npos) << ar;
  EXPECT_EQ(ar.substr(ar.size() - 2), "\r\n");
  // Folded under 78 columns.
  std::size_t start = 0;
  while (start < ar.size()) {
    std::size_t end = ar.find("\r\n", start);
    ASSERT_NE(end, std::string::npos);
    EXPECT_LE(end - start, 78u) << ar.substr(start, end - start);
    start = end + 2;
  }
  EXPECT_EQ(v.received_spf.rfind("Received-SPF: pass", 0), 0u) << v.received_spf;
}

TEST_F(AuthenticatorTest, SpoofedFromUnderPRejectIsRejected) {
  Verdict v = check(attacker_envelope(), demo_message("2-spoofed-from.eml"));
  ASSERT_TRUE(v.dmarc);
  EXPECT_EQ(v.dmarc->status, dmarc::DmarcStatus::fail);
  EXPECT_FALSE(v.dmarc->spf_aligned);
  EXPECT_EQ(v.dmarc->disposition, dmarc::Policy::reject);
  // SPF passes for attacker.example's own name: not aligned with the From: domain.
  ASSERT_TRUE(v.spf_mailfrom);
  EXPECT_EQ(v.spf_mailfrom->verdict, spf::SpfVerdict::pass);
  EXPECT_TRUE(v.dkim.empty());
  EXPECT_EQ(v.action, Action::reject);
  EXPECT_EQ(v.reply.code, "550");
  EXPECT_EQ(v.reply.enhanced, "5.7.1");
  EXPECT_NE(v.reply.text.find("example.test"), std::string::npos);
  EXPECT_NE(v.authentication_results.find("dmarc=fail"), std::string::npos);
  EXPECT_NE(v.authentication_results.find("dkim=none"), std::string::npos);
}

// The same forgery from a domain under the same top-level label, whose owner breaks its own
// _dmarc lookups: a walk for attacker.test could never give example.test as its organisational
// domain, so its failure must not turn the rejection into an (accepted) DMARC temperror.
TEST_F(AuthenticatorTest, SendersBrokenDnsCannotTurnARejectionIntoTemperror) {
  zone_.add_txt("attacker.test", {"v=spf1 ip4:203.0.113.66 -all"});
  zone_.inject_failure("_dmarc.attacker.test", dns::Status::servfail);
  Envelope e = attacker_envelope();
  e.helo = "mx.attacker.test";
  e.mail_from = "bounce@attacker.test";
  Verdict v = check(e, demo_message("2-spoofed-from.eml"));
  ASSERT_TRUE(v.spf_mailfrom);
  EXPECT_EQ(v.spf_mailfrom->verdict, spf::SpfVerdict::pass);
  ASSERT_TRUE(v.dmarc);
  EXPECT_EQ(v.dmarc->status, dmarc::DmarcStatus::fail) << v.dmarc->reason;
  EXPECT_EQ(v.action, Action::reject);
}

// A DNS failure at the author's own organisation (its DKIM key, its SPF record) with nothing
// else aligned: neither a 5xx (the domain's own mail would bounce) nor an accept (p=reject is
// not to be escaped through a broken delegation) but a 4xx, even without
// tempfail_on_dmarc_temperror. Not enforced (observe only): accepted.
TEST_F(AuthenticatorTest, AlignedDnsFailureUnderRejectTempfails) {
  zone_.inject_failure("demo-rsa._domainkey.example.test", dns::Status::timeout);
  zone_.inject_failure("demo-ed._domainkey.example.test", dns::Status::timeout);
  Envelope forwarded = good_envelope();
  forwarded.client_ip = *IpAddress::parse("198.51.100.7");  // SPF fails: forwarded
  Verdict v = check(forwarded, demo_message("1-all-pass.eml"));
  ASSERT_TRUE(v.dmarc);
  EXPECT_EQ(v.dmarc->status, dmarc::DmarcStatus::temperror) << v.dmarc->reason;
  EXPECT_EQ(v.action, Action::tempfail) << v.reason;
  EXPECT_EQ(v.reply.code, "451");
  EXPECT_NE(v.authentication_results.find("dmarc=temperror"), std::string::npos)
      << v.authentication_results;

  policy_.enforce_dmarc_reject = false;
  policy_.enforce_dmarc_quarantine = false;
  EXPECT_EQ(check(forwarded, demo_message("1-all-pass.eml")).action, Action::accept);
}

// An EAI message (RFC 6532) may write the From: domain in U-labels; its DMARC policy is
// published at the A-labels (RFC 8616), so writing the name in Unicode must not escape it.
TEST_F(AuthenticatorTest, InternationalisedFromDomainCannotEscapeItsPolicy) {
  const std::string a_label = "xn--bcher-kva.example";  // bücher.example
  zone_.add_txt("_dmarc." + a_label, {"v=DMARC1; p=reject"});
  zone_.add_txt(a_label, {"v=spf1 ip4:192.0.2.25 -all"});
  const std::string message =
      "From: J\xc3\xb6rg <joerg@b\xc3\xbc"
      "cher.example>\r\nTo: bob@example.net\r\n"
      "Subject: invoice\r\n\r\nbody\r\n";
  Verdict spoofed = check(attacker_envelope(), message);
  ASSERT_TRUE(spoofed.dmarc);
  EXPECT_EQ(spoofed.dmarc->status, dmarc::DmarcStatus::fail) << spoofed.dmarc->reason;
  EXPECT_EQ(spoofed.action, Action::reject);
  EXPECT_NE(spoofed.authentication_results.find("header.from=" + a_label), std::string::npos)
      << spoofed.authentication_results;

  // The real sender, with an SMTPUTF8 MAIL FROM in U-labels: SPF passes for the A-labels and
  // aligns with the From: domain.
  Envelope genuine = good_envelope();
  genuine.mail_from =
      "j\xc3\xb6rg@b\xc3\xbc"
      "cher.example";
  Verdict v = check(genuine, message);
  ASSERT_TRUE(v.spf_mailfrom);
  EXPECT_EQ(v.spf_mailfrom->verdict, spf::SpfVerdict::pass) << v.spf_mailfrom->problem;
  ASSERT_TRUE(v.dmarc);
  EXPECT_EQ(v.dmarc->status, dmarc::DmarcStatus::pass) << v.dmarc->reason;
  EXPECT_TRUE(v.dmarc->spf_aligned);
  EXPECT_EQ(v.action, Action::accept);

  // The ignore list matches the domain however either side writes it.
  policy_.dmarc_ignore_domains = {
      "B\xc3\x9c"
      "CHER.example"};
  Verdict ignored = check(attacker_envelope(), message);
  EXPECT_EQ(ignored.action, Action::accept) << ignored.reason;
}

// A second author hidden beside the spoofed one (RFC 7489 6.6.1; OpenDMARC CVE-2019-16378):
// with one author required (the default) the message is rejected, not passed as a permerror;
// evaluating each author applies the strictest policy instead.
TEST_F(AuthenticatorTest, SeveralFromAuthorsAreRejectedNotAccepted) {
  const std::string two_mailboxes =
      "From: Alice <alice@example.test>, Mallory <m@attacker.example>\r\nTo: bob@example.net\r\n"
      "Subject: invoice\r\n\r\nbody\r\n";
  const std::string two_fields =
      "From: Alice <alice@example.test>\r\nFrom: m@attacker.example\r\nTo: bob@example.net\r\n"
      "\r\nbody\r\n";
  // The first line "From :" is a From field (RFC 5322 4.5.2), not an mbox separator.
  const std::string obsolete_first =
      "From : Alice <alice@example.test>\r\nFrom: m@attacker.example\r\n\r\nbody\r\n";
  for (const std::string& message : {two_mailboxes, two_fields, obsolete_first}) {
    Verdict v = check(attacker_envelope(), message);
    ASSERT_TRUE(v.dmarc);
    EXPECT_EQ(v.dmarc->status, dmarc::DmarcStatus::permerror);
    EXPECT_EQ(v.dmarc->from_problem, dmarc::FromProblem::several_authors);
    EXPECT_EQ(v.action, Action::reject) << v.reason;
    EXPECT_EQ(v.reply.code, "550");
    EXPECT_EQ(v.reply.enhanced, "5.7.1");
    EXPECT_NE(v.reason.find("several From authors"), std::string::npos) << v.reason;
  }
  // One author domain named twice is judged as that domain: SPF aligns, the mail is accepted.
  Verdict same =
      check(good_envelope(), "From: alice@example.test, bob@Example.Test\r\n\r\nbody\r\n");
  ASSERT_TRUE(same.dmarc);
  EXPECT_EQ(same.dmarc->status, dmarc::DmarcStatus::pass) << same.dmarc->reason;
  EXPECT_EQ(same.action, Action::accept);

  // Observe-only sites quarantine at most.
  policy_.enforce_dmarc_reject = false;
  EXPECT_EQ(check(attacker_envelope(), two_mailboxes).action, Action::quarantine);
  policy_.enforce_dmarc_quarantine = false;
  EXPECT_EQ(check(attacker_envelope(), two_mailboxes).action, Action::accept);

  // Evaluating each author: example.test's p=reject is the strictest, so still rejected.
  policy_ = {};
  policy_.authserv_id = "mx.example.net";
  policy_.dkim.now = kDemoNow;
  policy_.dmarc.multiple_from = message::MultipleFromPolicy::evaluate_each;
  Verdict each = check(attacker_envelope(), two_mailboxes);
  ASSERT_TRUE(each.dmarc);
  EXPECT_EQ(each.dmarc->status, dmarc::DmarcStatus::fail);
  EXPECT_EQ(each.dmarc->from_domain, "example.test");
  EXPECT_EQ(each.action, Action::reject);

  // An ignored author domain is left out; the other one decides.
  policy_.dmarc_ignore_domains = {"Example.Test"};
  Verdict ignored = check(attacker_envelope(), two_mailboxes);
  ASSERT_TRUE(ignored.dmarc);
  EXPECT_EQ(ignored.dmarc->from_domain, "attacker.example") << ignored.dmarc->reason;
  EXPECT_NE(ignored.action, Action::reject) << ignored.reason;
  // Both ignored: no DMARC verdict at all, as for one ignored author.
  policy_.dmarc_ignore_domains = {"example.test", "attacker.example"};
  Verdict none = check(attacker_envelope(), two_mailboxes);
  EXPECT_FALSE(none.dmarc);
  EXPECT_EQ(none.reason, "DMARC not evaluated: author domain on the ignore list");
}

// Evaluating each author: more author mailboxes than are read (256 in all), or more author
// domains than are evaluated (16), is a permerror of its own, refused as several authors are
// (--accept-unusable-from does not let it through: no author was judged, and none can be left out),
// unless DMARC is only observed. All 400 mailboxes here are the sender's own, whose DMARC passes:
// judged one by one, the message was accepted.
TEST_F(AuthenticatorTest, TooManyFromAuthorsAreRefused) {
  policy_.dmarc.multiple_from = message::MultipleFromPolicy::evaluate_each;
  std::string message;
  for (int field = 0; field < 2; ++field) {
    message += "From: ";
    for (int k = 0; k < 200; ++k)
      message += (k == 0 ? "u" : ", u") + std::to_string(k) + "@attacker.example";
    message += "\r\n";
  }
  message += "Subject: hi\r\n\r\nbody\r\n";
  Verdict v = check(attacker_envelope(), message);
  ASSERT_TRUE(v.dmarc);
  EXPECT_EQ(v.dmarc->status, dmarc::DmarcStatus::permerror);
  EXPECT_EQ(dmarc::to_string(v.dmarc->from_problem), "too_many_authors");
  EXPECT_EQ(v.action, Action::reject) << v.reason;
  EXPECT_EQ(v.reply.text, "Message has too many From authors");
  EXPECT_EQ(v.reason,
            "too many From authors: more than 256 author mailboxes in 2 From fields, where at "
            "most 256 are read");
  // Seventeen author domains: more than are evaluated (16), so none is.
  std::string domains = "From: ";
  for (int k = 0; k < 17; ++k)
    domains += (k == 0 ? "u@d" : ", u@d") + std::to_string(k) + ".example";
  domains += "\r\n\r\nbody\r\n";
  v = check(attacker_envelope(), domains);
  ASSERT_TRUE(v.dmarc);
  EXPECT_EQ(v.action, Action::reject) << v.reason;
  EXPECT_EQ(v.reason,
            "too many From authors: From fields name 17 author domains, where at most 16 are "
            "evaluated");
  policy_.reject_unusable_from = false;
  EXPECT_EQ(check(attacker_envelope(), message).action, Action::reject);
  policy_.enforce_dmarc_reject = false;
  policy_.enforce_dmarc_quarantine = false;
  EXPECT_EQ(check(attacker_envelope(), message).action, Action::accept);
}

// One From field listing more mailboxes than are read is too many authors as well, under either
// multiple-From policy: before, the parser's mailbox limit made it an unparseable field, which
// --accept-unusable-from let through with the attacker's domain never judged.
TEST_F(AuthenticatorTest, OneFromFieldOverTheMailboxLimitIsTooManyAuthors) {
  std::string message = "From: ";
  for (int k = 0; k < 257; ++k)
    message += (k == 0 ? "ceo" : ", ceo") + std::to_string(k) + "@example.test";
  message += "\r\nSubject: wire money\r\n\r\nbody\r\n";
  for (auto multiple :
       {message::MultipleFromPolicy::reject, message::MultipleFromPolicy::evaluate_each}) {
    policy_.dmarc.multiple_from = multiple;
    policy_.reject_unusable_from = false;
    Verdict v = check(attacker_envelope(), message);
    ASSERT_TRUE(v.dmarc);
    EXPECT_EQ(dmarc::to_string(v.dmarc->from_problem), "too_many_authors");
    EXPECT_EQ(v.action, Action::reject) << v.reason;
    EXPECT_EQ(v.reply.text, "Message has too many From authors");
    EXPECT_EQ(v.reason,
              "too many From authors: more than 256 author mailboxes in one From field, where at "
              "most 256 are read");
  }
}

TEST_F(AuthenticatorTest, ObserveOnlyPolicyNeverRejects) {
  policy_.enforce_dmarc_reject = false;
  Verdict v = check(attacker_envelope(), demo_message("2-spoofed-from.eml"));
  EXPECT_EQ(v.action, Action::quarantine);
  policy_.enforce_dmarc_quarantine = false;
  // Neither enforced: observe only, the mail is accepted and the headers still say dmarc=fail.
  v = check(attacker_envelope(), demo_message("2-spoofed-from.eml"));
  EXPECT_EQ(v.action, Action::accept);
  EXPECT_EQ(v.dmarc->status, dmarc::DmarcStatus::fail);
  EXPECT_NE(v.authentication_results.find("dmarc=fail"), std::string::npos);
}

TEST_F(AuthenticatorTest, BodyAlteredStillPassesDmarcThroughAlignedSpf) {
  Verdict v = check(good_envelope(), demo_message("3-body-altered.eml"));
  ASSERT_EQ(v.dkim.size(), 1u);
  EXPECT_EQ(v.dkim[0].status, dkim::DkimStatus::fail);
  ASSERT_TRUE(v.dmarc);
  EXPECT_EQ(v.dmarc->status, dmarc::DmarcStatus::pass);
  EXPECT_TRUE(v.dmarc->spf_aligned);
  EXPECT_FALSE(v.dmarc->dkim_aligned);
  EXPECT_EQ(v.action, Action::accept);
  EXPECT_NE(v.authentication_results.find("dkim=fail"), std::string::npos);
}

// A message example.test signed without oversigning, replayed from another server with a new
// Subject on top: DKIM still verifies, but the reader would see the attacker's Subject under
// example.test's name. The signature gets dkim=policy, so DMARC has nothing aligned that
// passes and p=reject applies (RFC 6376 8.15).
TEST_F(AuthenticatorTest, ReplayedSignatureWithAnAddedSubjectDoesNotPassDmarc) {
  dkim::SignerConfig config = demo_rsa_signer();
  config.headers = {"from", "to", "subject", "date"};
  config.oversign = {};
  auto signed_message = dkim::sign_message(
      "From: alice@example.test\r\nTo: bob@example.net\r\nSubject: Newsletter\r\n"
      "Date: Mon, 23 Nov 2026 10:00:00 +0000\r\n\r\nHello.\r\n",
      {config});
  ASSERT_TRUE(signed_message) << signed_message.reason();
  const std::string replayed = "Subject: Your invoice is overdue\r\n" + *signed_message;

  Verdict v = check(attacker_envelope(), replayed);
  ASSERT_EQ(v.dkim.size(), 1u);
  EXPECT_EQ(v.dkim[0].status, dkim::DkimStatus::policy) << v.dkim[0].reason;
  ASSERT_TRUE(v.dmarc);
  EXPECT_EQ(v.dmarc->status, dmarc::DmarcStatus::fail) << v.dmarc->reason;
  EXPECT_EQ(v.action, Action::reject) << v.reason;
  EXPECT_NE(v.authentication_results.find("dkim=policy"), std::string::npos)
      << v.authentication_results;
  // As sent, the same message passes; a site may also choose to accept the added copy.
  EXPECT_EQ(check(attacker_envelope(), *signed_message).action, Action::accept);
  policy_.dkim.refuse_unsigned_duplicates = false;
  v = check(attacker_envelope(), replayed);
  EXPECT_EQ(v.dkim[0].status, dkim::DkimStatus::pass);
  EXPECT_EQ(v.action, Action::accept);
}

// The fields we add quote the envelope and the signatures. In an internationalised message or
// session (RFC 6531/6532) those may be UTF-8, and so may our fields: "jörg", not "j??rg". A
// message that is all ASCII never gets an 8-bit field from us.
TEST_F(AuthenticatorTest, InternationalisedMessageKeepsUtf8InTheFieldsWeAdd) {
  const std::string joerg = "j\xc3\xb6rg@example.test";
  Envelope smtputf8 = good_envelope();
  smtputf8.mail_from = joerg;
  Verdict v = check(smtputf8, demo_message("1-all-pass.eml"));
  EXPECT_NE(v.authentication_results.find("smtp.mailfrom=j\xc3\xb6rg@example.test"),
            std::string::npos)
      << v.authentication_results;
  EXPECT_NE(v.received_spf.find("envelope-from=\"" + joerg + "\""), std::string::npos)
      << v.received_spf;

  // A DKIM i= with a UTF-8 local part, written as dkim-quoted-printable in an ASCII message.
  dkim::SignerConfig config = demo_rsa_signer();
  config.identity = joerg;
  auto sign = [&](const std::string& subject) {
    auto signed_message = dkim::sign_message(
        "From: alice@example.test\r\nTo: bob@example.net\r\nSubject: " + subject +
            "\r\n\r\nHi.\r\n",
        {config});
    EXPECT_TRUE(signed_message) << signed_message.reason();
    return signed_message ? *signed_message : std::string();
  };
  const std::string ascii = sign("Hello");
  ASSERT_NE(ascii.find("i=j=C3=B6rg@example.test"), std::string::npos) << ascii;
  v = check(good_envelope(), ascii);
  ASSERT_EQ(v.dkim.size(), 1u);
  EXPECT_EQ(v.dkim[0].status, dkim::DkimStatus::pass) << v.dkim[0].reason;
  EXPECT_EQ(v.dkim[0].identity, joerg);
  EXPECT_NE(v.authentication_results.find("header.i=j??rg@example.test"), std::string::npos)
      << v.authentication_results;
  EXPECT_TRUE(std::ranges::all_of(v.authentication_results,
                                  [](char c) { return static_cast<unsigned char>(c) < 0x80; }));
  // The same in a message whose header is UTF-8 already (RFC 6532): kept.
  v = check(good_envelope(), sign("Gr\xc3\xbc\xc3\x9f"
                                  "e"));
  EXPECT_NE(v.authentication_results.find("header.i=j\xc3\xb6rg@example.test"), std::string::npos)
      << v.authentication_results;
  // A legacy 8-bit (Latin-1) Subject makes no message internationalised.
  v = check(good_envelope(), sign("caf\xe9"));
  EXPECT_NE(v.authentication_results.find("header.i=j??rg@example.test"), std::string::npos)
      << v.authentication_results;
  // Invalid UTF-8 never gets through.
  smtputf8.mail_from = "j\xc3(rg@example.test";
  v = check(smtputf8, demo_message("1-all-pass.eml"));
  EXPECT_EQ(v.authentication_results.find("\xc3("), std::string::npos) << v.authentication_results;
}

// A second finish() (a milter retrying end-of-message) must not write results for the checks'
// emptied state: it gives the internal-error verdict, and feed() after finish() is ignored.
TEST_F(AuthenticatorTest, FinishTwiceGivesAnInternalErrorNotResults) {
  const std::string message = demo_message("1-all-pass.eml");
  Authenticator authenticator(zone_, policy_);
  asio::io_context io;
  std::vector<Verdict> verdicts;
  auto task = [&]() -> asio::awaitable<int> {
    MessageCheck check(authenticator, good_envelope());
    co_await check.start_envelope_checks();
    check.feed(message);
    verdicts.push_back(co_await check.finish());
    check.feed(message);
    verdicts.push_back(co_await check.finish());
    co_return 0;
  };
  dns::run_sync(io, task());
  ASSERT_EQ(verdicts.size(), 2u);
  EXPECT_EQ(verdicts[0].action, Action::accept);
  EXPECT_NE(verdicts[0].authentication_results.find("dmarc=pass"), std::string::npos);
  EXPECT_EQ(verdicts[1].reason, "internal error, checks abandoned: finish() called more than once");
  EXPECT_EQ(verdicts[1].action, Action::accept);  // fails open, as LocalPolicy says by default
  EXPECT_EQ(verdicts[1].authentication_results.find("pass"), std::string::npos)
      << verdicts[1].authentication_results;
}

TEST_F(AuthenticatorTest, StreamingInSmallChunksGivesTheSameVerdict) {
  const std::string message = demo_message("1-all-pass.eml");
  Authenticator authenticator(zone_, policy_);
  asio::io_context io;
  auto task = [&]() -> asio::awaitable<Verdict> {
    MessageCheck check(authenticator, good_envelope());
    co_await check.start_envelope_checks();
    for (std::size_t i = 0; i < message.size(); i += 7) check.feed(message.substr(i, 7));
    co_return co_await check.finish();
  };
  Verdict streamed = dns::run_sync(io, task());
  Verdict whole = check(good_envelope(), message);
  EXPECT_EQ(streamed.action, whole.action);
  EXPECT_EQ(streamed.authentication_results, whole.authentication_results);
}

// Answers from the demo zone after a delay, logging when each query starts and ends. A query
// for a name containing `explode_on` throws at once, as a bug inside a check would.
class SlowDemoResolver final : public dns::Resolver {
 public:
  SlowDemoResolver(dns::ZoneResolver& zone, std::chrono::milliseconds delay,
                   std::string explode_on = {})
      : zone_(zone), delay_(delay), explode_on_(std::move(explode_on)) {}
  asio::awaitable<dns::Answer> query(std::string name, dns::RecordType type) override {
    if (!explode_on_.empty() && name.find(explode_on_) != std::string::npos) {
      throw std::runtime_error("resolver exploded on " + name);
    }
    events.push_back("start " + name);
    asio::steady_timer timer(co_await asio::this_coro::executor, delay_);
    co_await timer.async_wait(asio::use_awaitable);
    events.push_back("end " + name);
    co_return zone_.lookup(name, type);
  }
  std::size_t position(const std::string& event) const {
    return static_cast<std::size_t>(std::find(events.begin(), events.end(), event) -
                                    events.begin());
  }
  std::size_t first_end() const {
    return static_cast<std::size_t>(
        std::find_if(events.begin(), events.end(),
                     [](const std::string& e) { return e.starts_with("end "); }) -
        events.begin());
  }
  std::vector<std::string> events;

 private:
  dns::ZoneResolver& zone_;
  std::chrono::milliseconds delay_;
  std::string explode_on_;
};

// With DNS answering slowly, DKIM's key lookups and DMARC's policy lookup are sent while the
// envelope checks still wait for their first answers: the waits overlap instead of adding up.
TEST_F(AuthenticatorTest, DkimAndDmarcLookupsGoOutWhileTheEnvelopeChecksWait) {
  SlowDemoResolver slow(zone_, std::chrono::milliseconds(40));
  Authenticator authenticator(slow, policy_);
  asio::io_context io;
  const Verdict v =
      dns::run_sync(io, authenticator.check(good_envelope(), demo_message("1-all-pass.eml")));
  EXPECT_EQ(v.action, Action::accept) << v.reason;
  ASSERT_EQ(v.dkim.size(), 2u);
  EXPECT_EQ(v.dkim[0].status, dkim::DkimStatus::pass) << v.dkim[0].reason;
  const std::size_t first_end = slow.first_end();
  ASSERT_LT(first_end, slow.events.size());
  for (const std::string key :
       {"demo-ed._domainkey.example.test", "demo-rsa._domainkey.example.test",
        "_dmarc.example.test", "example.test"}) {
    EXPECT_LT(slow.position("start " + key), first_end) << key;  // TXT example.test: SPF
  }
  // The same verdict as with every answer at once.
  EXPECT_EQ(v.authentication_results,
            check(good_envelope(), demo_message("1-all-pass.eml")).authentication_results);
}

// Checks `message` fed as a milter feeds it: the header section, then (5 ms later) the body.
// `before_body` gets the resolver's events up to then.
Verdict AuthenticatorTest::check_with_body_late(SlowDemoResolver& slow, const Envelope& envelope,
                                                const std::string& message,
                                                std::vector<std::string>& before_body) {
  Authenticator authenticator(slow, policy_);
  const std::size_t blank_line = body_start(message);
  asio::io_context io;
  auto task = [&]() -> asio::awaitable<Verdict> {
    MessageCheck check(authenticator, envelope);
    co_await check.start_envelope_checks();
    check.feed(message.substr(0, blank_line));
    asio::steady_timer body_on_its_way(co_await asio::this_coro::executor,
                                       std::chrono::milliseconds(5));
    co_await body_on_its_way.async_wait(asio::use_awaitable);
    before_body = slow.events;
    check.feed(message.substr(blank_line));
    co_return co_await check.finish();
  };
  return dns::run_sync(io, task());
}

// Fed as a milter feeds it: DKIM's key lookups and DMARC's policy lookup go out as soon as the
// header section is complete, while the body is still on its way.
TEST_F(AuthenticatorTest, KeyAndPolicyLookupsStartBeforeTheBodyArrives) {
  SlowDemoResolver slow(zone_, std::chrono::milliseconds(20));
  const std::string message = demo_message("1-all-pass.eml");
  std::vector<std::string> before_body;
  const Verdict v = check_with_body_late(slow, good_envelope(), message, before_body);
  EXPECT_EQ(v.action, Action::accept) << v.reason;
  ASSERT_EQ(v.dkim.size(), 2u);
  EXPECT_EQ(v.dkim[0].status, dkim::DkimStatus::pass) << v.dkim[0].reason;
  EXPECT_EQ(v.dkim[1].status, dkim::DkimStatus::pass) << v.dkim[1].reason;
  for (const std::string key : {"demo-ed._domainkey.example.test",
                                "demo-rsa._domainkey.example.test", "_dmarc.example.test"}) {
    EXPECT_NE(std::find(before_body.begin(), before_body.end(), "start " + key), before_body.end())
        << key;
  }
  // The same verdict as with the whole message at once and every answer at hand.
  EXPECT_EQ(v.authentication_results, check(good_envelope(), message).authentication_results);
}

// The same for ARC: the sealer's key is asked for before the body arrives, not at the end.
TEST_F(AuthenticatorTest, ArcKeyLookupStartsBeforeTheBodyArrives) {
  const std::string forwarded = list_forwarded_message();
  ASSERT_FALSE(forwarded.empty());
  SlowDemoResolver slow(zone_, std::chrono::milliseconds(20));
  std::vector<std::string> before_body;
  const Verdict v = check_with_body_late(slow, list_envelope(), forwarded, before_body);
  ASSERT_TRUE(v.arc);
  EXPECT_EQ(v.arc->status, arc::ChainStatus::pass) << v.arc->reason;
  const std::string key = "start arc._domainkey.lists.example.net";
  EXPECT_NE(std::find(before_body.begin(), before_body.end(), key), before_body.end());
  // Asked for once: finish() did not look it up again.
  EXPECT_EQ(std::count(slow.events.begin(), slow.events.end(), key), 1);
  EXPECT_EQ(v.authentication_results, check(list_envelope(), forwarded).authentication_results);
}

// A check that fails inside while the envelope checks still wait for DNS: the verdict comes
// once those have ended too, so the caller may destroy the Authenticator as soon as it has it
// (ASan would see the envelope checks use it after that otherwise).
TEST_F(AuthenticatorTest, InternalErrorVerdictWaitsForTheEnvelopeChecks) {
  SlowDemoResolver slow(zone_, std::chrono::milliseconds(30), "_domainkey");
  asio::io_context io;
  std::optional<Verdict> verdict;
  std::size_t events_at_verdict = 0;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        {
          Authenticator authenticator(slow, policy_);
          verdict = co_await authenticator.check(good_envelope(), demo_message("1-all-pass.eml"));
        }
        events_at_verdict = slow.events.size();
      },
      asio::detached);
  io.run();
  ASSERT_TRUE(verdict);
  EXPECT_EQ(verdict->action, Action::accept);
  EXPECT_NE(verdict->reason.find("resolver exploded on demo-"), std::string::npos)
      << verdict->reason;
  // Every query the envelope checks sent had its answer before the verdict was given.
  EXPECT_EQ(events_at_verdict, slow.events.size());
  EXPECT_EQ(std::count_if(slow.events.begin(), slow.events.end(),
                          [](const std::string& e) { return e.starts_with("start "); }),
            std::count_if(slow.events.begin(), slow.events.end(),
                          [](const std::string& e) { return e.starts_with("end "); }));
}

// A resolver whose answer_now() throws, as a buggy backend might: the lookups that start when
// the header section is complete run inside feed(), which must not throw, and finish() must not
// wait for them forever.
class ThrowingAnswerNow final : public dns::Resolver {
 public:
  explicit ThrowingAnswerNow(dns::ZoneResolver& zone) : zone_(zone) {}
  asio::awaitable<dns::Answer> query(std::string name, dns::RecordType type) override {
    co_return zone_.lookup(name, type);
  }
  dns::SharedAnswer answer_now(std::string_view name, dns::RecordType) override {
    if (name.find("_domainkey") != std::string_view::npos) {
      throw std::runtime_error("answer_now exploded");
    }
    return nullptr;
  }

 private:
  dns::ZoneResolver& zone_;
};

TEST_F(AuthenticatorTest, FailureWhenTheHeaderSectionIsCompleteIsAnInternalError) {
  ThrowingAnswerNow throwing(zone_);
  Authenticator authenticator(throwing, policy_);
  asio::io_context io;
  const std::string message = demo_message("1-all-pass.eml");
  auto streamed = [&]() -> asio::awaitable<Verdict> {
    MessageCheck check(authenticator, good_envelope());
    co_await check.start_envelope_checks();
    for (std::size_t i = 0; i < message.size(); i += 100) check.feed(message.substr(i, 100));
    co_return co_await check.finish();
  };
  for (const Verdict& v : {dns::run_sync(io, streamed()),
                           dns::run_sync(io, authenticator.check(good_envelope(), message))}) {
    EXPECT_EQ(v.action, Action::accept);
    EXPECT_NE(v.reason.find("internal error"), std::string::npos) << v.reason;
    EXPECT_NE(v.reason.find("answer_now exploded"), std::string::npos) << v.reason;
  }
}

TEST_F(AuthenticatorTest, TrustedNetworkSkipsChecks) {
  policy_.trusted_networks.push_back(*IpNetwork::parse("203.0.113.0/24"));
  Verdict v = check(attacker_envelope(), demo_message("2-spoofed-from.eml"));
  EXPECT_TRUE(v.skipped);
  EXPECT_EQ(v.action, Action::accept);
  EXPECT_FALSE(v.dmarc);
  EXPECT_NE(v.reason.find("trusted network"), std::string::npos);
  EXPECT_EQ(zone_.query_count(), 0u);
}

TEST_F(AuthenticatorTest, AuthenticatedSenderSkipsChecksAndSaysSo) {
  Envelope e = attacker_envelope();
  e.authenticated_user = "carol";
  Verdict v = check(e, demo_message("2-spoofed-from.eml"));
  EXPECT_TRUE(v.skipped);
  EXPECT_EQ(v.action, Action::accept);
  EXPECT_NE(v.authentication_results.find("auth=pass smtp.auth=carol"), std::string::npos)
      << v.authentication_results;
}

// RFC 8601 5: fields claiming our authserv-id that did not come from a trusted MTA are
// forgeries. An authenticated submitter is not checked, but it is no trusted MTA: its header
// section is read for them (without a DNS query); a client in a trusted network is one, and
// its message is not read at all.
TEST_F(AuthenticatorTest, AuthenticatedSenderStillHasForgedFieldsFound) {
  const std::string message =
      "Received: from a by b\r\n"
      "Authentication-Results: other.example; spf=pass smtp.mailfrom=x@example.test\r\n"
      "Authentication-Results: mx.example.net; dmarc=pass header.from=example.test\r\n" +
      demo_message("2-spoofed-from.eml");
  Envelope e = attacker_envelope();
  e.authenticated_user = "carol";
  Verdict v = check(e, message);
  EXPECT_TRUE(v.skipped);
  EXPECT_EQ(v.action, Action::accept);
  EXPECT_EQ(v.forged_authres_fields, (std::vector<std::size_t>{1}));
  EXPECT_EQ(zone_.query_count(), 0u);

  // Streamed, a byte at a time: the same, and a header section without a body too.
  for (const std::string& text :
       {message, std::string("Authentication-Results: mx.example.net; dkim=pass")}) {
    Authenticator authenticator(zone_, policy_);
    asio::io_context io;
    auto streamed = [&]() -> asio::awaitable<Verdict> {
      MessageCheck check(authenticator, e);
      co_await check.start_envelope_checks();
      for (char c : text) check.feed(std::string_view(&c, 1));
      co_return co_await check.finish();
    };
    EXPECT_EQ(dns::run_sync(io, streamed()).forged_authres_fields,
              (std::vector<std::size_t>{text == message ? 1u : 0u}))
        << text;
  }

  policy_.trusted_networks.push_back(*IpNetwork::parse("203.0.113.0/24"));
  v = check(e, message);
  EXPECT_TRUE(v.skipped);
  EXPECT_TRUE(v.forged_authres_fields.empty());
}

// The SMTP AUTH name is the client's own text: the verdict's reason (one line for logs) and
// the A-R field carry it, never its line breaks or control characters.
TEST_F(AuthenticatorTest, AuthenticatedUserCannotBreakTheReasonLine) {
  Envelope e = attacker_envelope();
  e.authenticated_user = "bob\r\nverdict: reject\x01\x7f\xc2\x85\xe2\x80\xa8x\xff";
  Verdict v = check(e, demo_message("2-spoofed-from.eml"));
  EXPECT_TRUE(v.skipped);
  EXPECT_EQ(v.reason, "checks skipped: sender authenticated as bob verdict: reject x?") << v.reason;
  // Folded, each line break is a fold (CRLF and a space) or the field's end.
  const std::string& ar = v.authentication_results;
  for (std::size_t at = ar.find_first_of("\r\n"); at != std::string::npos;
       at = ar.find_first_of("\r\n", at + 2)) {
    ASSERT_EQ(ar.compare(at, 2, "\r\n"), 0) << ar;
    EXPECT_TRUE(at + 2 == ar.size() || ar[at + 2] == ' ') << ar;
  }
  EXPECT_NE(ar.find("smtp.auth=\"bob verdict: reject"), std::string::npos) << ar;
}

// LocalPolicy::authserv_id is configuration; one the writer refuses is still never written as
// given: sanitised and quoted, the field stays one well-formed field (RFC 8601 2.2), checked or
// skipped.
TEST_F(AuthenticatorTest, UnusableAuthservIdIsNeverWrittenRaw) {
  const std::pair<std::string, std::string> cases[] = {
      {"mx.rcv.test\r\nX-Injected: yes",
       "Authentication-Results: \"mx.rcv.test X-Injected: yes\"; none\r\n"},
      {"mx rcv", "Authentication-Results: \"mx rcv\"; none\r\n"},
      {"", "Authentication-Results: \"\"; none\r\n"},
  };
  for (const auto& [id, field] : cases) {
    policy_.authserv_id = id;
    EXPECT_EQ(check(attacker_envelope(), demo_message("2-spoofed-from.eml")).authentication_results,
              field);
    Envelope e = attacker_envelope();
    e.authenticated_user = "carol";
    EXPECT_EQ(check(e, demo_message("2-spoofed-from.eml")).authentication_results, field);
    const auto parsed = authres::parse_authres(field.substr(field.find(':') + 1), {.strict = true});
    ASSERT_TRUE(parsed.ok()) << field << parsed.reason();
    EXPECT_TRUE(parsed->clauses.empty()) << field;
  }
}

TEST_F(AuthenticatorTest, HeloMismatchIsRecordedNotRejected) {
  Envelope e = good_envelope();
  e.helo = "mx.attacker.example";  // resolves to another address
  Verdict v = check(e, demo_message("1-all-pass.eml"));
  ASSERT_TRUE(v.helo);
  EXPECT_FALSE(v.helo->loop);
  EXPECT_EQ(v.action, Action::accept) << v.reason;
}

TEST_F(AuthenticatorTest, HeloNamingUsIsALoopAndRejected) {
  policy_.helo.own_names = {"mx.example.net"};
  Envelope e = good_envelope();
  e.helo = "mx.example.net";
  Verdict v = check(e, demo_message("1-all-pass.eml"));
  ASSERT_TRUE(v.helo);
  EXPECT_TRUE(v.helo->loop);
  EXPECT_EQ(v.action, Action::reject);
  EXPECT_EQ(v.reply.code, "550");
}

TEST_F(AuthenticatorTest, DnsTimeoutGivesTemperrorAndMailIsAccepted) {
  zone_.inject_failure("_dmarc.example.test", dns::Status::timeout);
  zone_.inject_failure("example.test", dns::Status::timeout);
  Verdict v = check(attacker_envelope(), demo_message("2-spoofed-from.eml"));
  ASSERT_TRUE(v.dmarc);
  EXPECT_EQ(v.dmarc->status, dmarc::DmarcStatus::temperror) << v.dmarc->reason;
  EXPECT_EQ(v.action, Action::accept);
  EXPECT_NE(v.authentication_results.find("dmarc=temperror"), std::string::npos);

  policy_.tempfail_on_dmarc_temperror = true;
  v = check(attacker_envelope(), demo_message("2-spoofed-from.eml"));
  EXPECT_EQ(v.action, Action::tempfail);
  EXPECT_EQ(v.reply.code, "451");
}

TEST_F(AuthenticatorTest, SpfFailRejectsOnlyWhenConfigured) {
  Envelope e = attacker_envelope();
  e.mail_from = "alice@example.test";  // example.test does not list 203.0.113.66
  policy_.dmarc_ignore_domains = {"example.test"};
  Verdict v = check(e, demo_message("2-spoofed-from.eml"));
  ASSERT_TRUE(v.spf_mailfrom);
  EXPECT_EQ(v.spf_mailfrom->verdict, spf::SpfVerdict::fail);
  EXPECT_FALSE(v.dmarc);  // ignored domain
  EXPECT_EQ(v.action, Action::accept);

  policy_.reject_spf_fail = true;
  v = check(e, demo_message("2-spoofed-from.eml"));
  EXPECT_EQ(v.action, Action::reject);
  EXPECT_EQ(v.reply.enhanced, "5.7.23");
}

// --reject-spf-fail refuses an SPF fail only where DMARC did not pass: a forwarded message
// (SPF fails at the forwarder's address) whose author's aligned DKIM signature verifies is
// accepted. Refusing it would lose legitimate forwarded mail.
TEST_F(AuthenticatorTest, SpfFailWithADmarcPassIsAcceptedEvenWhenSpfFailRejects) {
  policy_.reject_spf_fail = true;
  Envelope forwarded = good_envelope();
  forwarded.client_ip = *IpAddress::parse("198.51.100.7");
  Verdict v = check(forwarded, demo_message("1-all-pass.eml"));
  ASSERT_TRUE(v.spf_mailfrom);
  EXPECT_EQ(v.spf_mailfrom->verdict, spf::SpfVerdict::fail);
  ASSERT_TRUE(v.dmarc);
  EXPECT_EQ(v.dmarc->status, dmarc::DmarcStatus::pass) << v.dmarc->reason;
  EXPECT_EQ(v.action, Action::accept) << v.reason;
  EXPECT_EQ(v.reason, "DMARC pass for example.test");
}

// LocalPolicy::skip_authenticated_senders off: an SMTP AUTH user's mail is checked like any
// other, and a spoof of a p=reject author is refused.
TEST_F(AuthenticatorTest, AuthenticatedSendersAreCheckedWhenTheOptionIsOff) {
  policy_.skip_authenticated_senders = false;
  Envelope e = attacker_envelope();
  e.authenticated_user = "carol";
  Verdict v = check(e, demo_message("2-spoofed-from.eml"));
  EXPECT_FALSE(v.skipped);
  ASSERT_TRUE(v.dmarc);
  EXPECT_EQ(v.dmarc->status, dmarc::DmarcStatus::fail) << v.dmarc->reason;
  EXPECT_EQ(v.action, Action::reject) << v.reason;
}

// An aligned DNS failure (the author's own SPF record) tempfails under p=quarantine as under
// p=reject, when that policy is enforced: accepted, the mail would escape the quarantine through
// a broken delegation. And under p=reject with only quarantine enforced (a rejection becomes a
// quarantine): still a tempfail, not an accept.
TEST_F(AuthenticatorTest, AlignedDnsFailureUnderQuarantineTempfails) {
  zone_.add_txt("_dmarc.q.test", {"v=DMARC1; p=quarantine"});
  zone_.add_txt("_dmarc.r.test", {"v=DMARC1; p=reject"});
  zone_.inject_failure("q.test", dns::Status::servfail);
  zone_.inject_failure("r.test", dns::Status::servfail);
  Envelope e = attacker_envelope();
  auto message = [](const std::string& domain) {
    return "From: a@" + domain + "\r\nTo: bob@example.net\r\nSubject: hi\r\n\r\nbody\r\n";
  };
  e.mail_from = "b@q.test";
  Verdict v = check(e, message("q.test"));
  ASSERT_TRUE(v.dmarc);
  EXPECT_EQ(v.dmarc->status, dmarc::DmarcStatus::temperror) << v.dmarc->reason;
  EXPECT_EQ(v.action, Action::tempfail) << v.reason;
  EXPECT_EQ(v.reply.code, "451");
  EXPECT_EQ(v.reply.enhanced, "4.4.3");
  policy_.enforce_dmarc_quarantine = false;
  EXPECT_EQ(check(e, message("q.test")).action, Action::accept);

  policy_.enforce_dmarc_quarantine = true;
  policy_.enforce_dmarc_reject = false;
  e.mail_from = "b@r.test";
  v = check(e, message("r.test"));
  ASSERT_TRUE(v.dmarc);
  EXPECT_EQ(v.dmarc->status, dmarc::DmarcStatus::temperror) << v.dmarc->reason;
  EXPECT_EQ(v.action, Action::tempfail) << v.reason;
}

// The ignore list leaves out the domains it names, nothing else: a message with no From, or an
// unusable one, is still refused when the list names some partner; a subdomain of a listed
// domain is still judged (by its organisational domain's p=reject), and a listed subdomain
// does not cover its parent.
TEST_F(AuthenticatorTest, IgnoreListCoversOnlyTheDomainsItNames) {
  policy_.dmarc_ignore_domains = {"partner.example"};
  for (const std::string message : {"To: bob@example.net\r\nSubject: x\r\n\r\nbody\r\n",
                                    "From: ceo@example.test <\r\nSubject: x\r\n\r\nbody\r\n"}) {
    Verdict v = check(attacker_envelope(), message);
    EXPECT_FALSE(v.dmarc_ignored) << message;
    ASSERT_TRUE(v.dmarc) << message;
    EXPECT_EQ(v.dmarc->status, dmarc::DmarcStatus::permerror) << message;
    EXPECT_EQ(v.action, Action::reject) << message << v.reason;
  }
  const std::string sub = "From: CEO <ceo@pay.example.test>\r\nSubject: x\r\n\r\nbody\r\n";
  policy_.dmarc_ignore_domains = {"example.test"};
  Verdict v = check(attacker_envelope(), sub);
  EXPECT_FALSE(v.dmarc_ignored);
  ASSERT_TRUE(v.dmarc);
  EXPECT_EQ(v.dmarc->status, dmarc::DmarcStatus::fail) << v.dmarc->reason;
  EXPECT_EQ(v.action, Action::reject) << v.reason;
  policy_.dmarc_ignore_domains = {"pay.example.test"};
  v = check(attacker_envelope(), demo_message("2-spoofed-from.eml"));
  EXPECT_FALSE(v.dmarc_ignored);
  EXPECT_EQ(v.action, Action::reject) << v.reason;
}

// SPF for the HELO identity only when it is a domain name (RFC 7208 2.3): an address literal
// or a name that is not one gets no result and no smtp.helo clause.
TEST_F(AuthenticatorTest, HeloThatIsNoDomainNameGetsNoSpfClause) {
  for (const char* helo : {"[192.0.2.25]", "mail_example"}) {
    Envelope e = good_envelope();
    e.helo = helo;
    Verdict v = check(e, demo_message("1-all-pass.eml"));
    EXPECT_FALSE(v.spf_helo) << helo;
    EXPECT_EQ(v.authentication_results.find("smtp.helo"), std::string::npos)
        << v.authentication_results;
    EXPECT_EQ(v.action, Action::accept) << v.reason;
  }
}

TEST_F(AuthenticatorTest, ForgedAuthenticationResultsAreFound) {
  std::string message =
      "Authentication-Results: mx.example.net; dmarc=pass header.from=example.test\r\n"
      "Authentication-Results: other.example; spf=pass smtp.mailfrom=x@example.test\r\n" +
      demo_message("2-spoofed-from.eml");
  Verdict v = check(attacker_envelope(), message);
  ASSERT_EQ(v.forged_authres_fields.size(), 1u);
  EXPECT_EQ(v.forged_authres_fields[0], 0u);
  EXPECT_EQ(v.action, Action::reject);
}

// A header section that cannot be read (a line without a colon, a field name with an 8-bit
// byte, more than 1000 fields, a field over 64 KiB) ends the reader's work, but forged fields
// below the point where it stopped are still found: the rest of the section is scanned for
// them, numbered among all the Authentication-Results fields from the top. Not the body's. The
// verdict is what it was: rejected as unreadable, unless that is not enforced; the same for an
// authenticated submitter, whole or streamed a byte at a time.
TEST_F(AuthenticatorTest, ForgedFieldsBelowAnUnreadableHeaderLineAreFound) {
  const std::string ours =
      "Authentication-Results: mx.example.net; dkim=pass header.d=example.test"
      "; dmarc=pass header.from=example.test\r\n";
  const std::string other = "Authentication-Results: other.example; spf=pass\r\n";
  const std::string rest = "From: alice@example.test\r\nSubject: hi\r\n\r\nbody\r\n" + ours;
  std::string many;
  for (int i = 0; i < 1000; ++i) many += "X-Pad: " + std::to_string(i) + "\r\n";
  const std::string huge =
      "Authentication-Results: mx.example.net; dkim=pass (" + std::string(70000, 'x') + ")\r\n";
  struct Case {
    std::string message;
    std::vector<std::size_t> forged;
  };
  const std::vector<Case> cases = {
      {ours + other + "Foo bar\r\n" + ours + other + ours + rest, {0, 2, 4}},
      {other + "X\x80Y: z\r\n" + ours + rest, {1}},
      {many + ours + rest, {0}},
      {other + many + "Authentication-Results:\v mx.example.net; dkim=pass\r\n" + rest, {1}},
      {other + huge + other + ours + rest, {1, 3}},
      {other + "Foo\r\n" + ours, {1}},  // the input ends in the header section
  };
  for (const Case& c : cases) {
    const std::string label = c.message.substr(0, 120);
    policy_.reject_unusable_from = true;
    Verdict v = check(good_envelope(), c.message);
    EXPECT_EQ(v.forged_authres_fields, c.forged) << label;
    EXPECT_EQ(v.action, Action::reject) << label;
    ASSERT_TRUE(v.dmarc) << label;
    EXPECT_EQ(v.dmarc->from_problem, dmarc::FromProblem::header_unreadable) << label;

    policy_.reject_unusable_from = false;
    v = check(good_envelope(), c.message);
    EXPECT_EQ(v.forged_authres_fields, c.forged) << label;
    EXPECT_EQ(v.action, Action::accept) << label;

    Envelope submitter = attacker_envelope();
    submitter.authenticated_user = "alice";
    for (std::size_t chunk : {std::size_t{1}, std::size_t{65536}}) {
      for (const Envelope& e : {good_envelope(), submitter}) {
        Authenticator authenticator(zone_, policy_);
        asio::io_context io;
        auto streamed = [&]() -> asio::awaitable<Verdict> {
          MessageCheck check(authenticator, e);
          co_await check.start_envelope_checks();
          for (std::size_t i = 0; i < c.message.size(); i += chunk) {
            check.feed(std::string_view(c.message).substr(i, chunk));
          }
          co_return co_await check.finish();
        };
        EXPECT_EQ(dns::run_sync(io, streamed()).forged_authres_fields, c.forged)
            << label << " in chunks of " << chunk;
      }
    }
  }
}

// An Authentication-Results field with our authserv-id after a bare CR inside another field
// ("X-Foo: a<CR>Authentication-Results: mx.example.net; ...") is one to a reader that ends
// lines at a bare CR (Python's email package; python3-authres then reads dkim=pass and
// dmarc=pass from it). No index among the Authentication-Results fields names it: the field
// that holds it is reported, by name and index among the fields of that name, to be removed.
// Only ours; one inside a field already reported forged is not reported twice.
TEST_F(AuthenticatorTest, ForgedFieldBehindABareCrIsReported) {
  const std::string ours = "Authentication-Results: mx.example.net; dkim=pass; dmarc=pass";
  const std::string message =
      "X-Foo: first\r\n"
      "x-foo: a\r" +
      ours +
      "\r\n"
      "Authentication-Results: other.example; none\rAuthentication-Results:\vmx.example.net;"
      " dmarc=pass\r\n"
      "Authentication-Results: mx.example.net; none\r" +
      ours +
      "\r\n"
      "X-Bar: a\rAuthentication-Results: other.example; dkim=pass\r\n"
      "X-Baz: a\r\n " +
      ours + "\r\n" + demo_message("1-all-pass.eml");
  const std::vector<FieldPosition> hidden{{"x-foo", 1}, {"Authentication-Results", 0}};
  Verdict v = check(good_envelope(), message);
  EXPECT_EQ(v.forged_authres_fields, (std::vector<std::size_t>{1}));
  EXPECT_EQ(v.hidden_authres_fields, hidden);
  EXPECT_EQ(v.action, Action::accept) << v.reason;

  Envelope submitter = attacker_envelope();
  submitter.authenticated_user = "alice";
  v = check(submitter, message);
  EXPECT_TRUE(v.skipped);
  EXPECT_EQ(v.hidden_authres_fields, hidden);

  v = check(good_envelope(), demo_message("1-all-pass.eml"));
  EXPECT_TRUE(v.hidden_authres_fields.empty());
}

// In an internationalised message (here: a UTF-8 MAIL FROM) UTF-8 is written into the fields,
// but not a Unicode line break: U+2028 or NEL in a HELO would start a line of its own, a
// forged Authentication-Results field, for readers that follow Unicode's line breaks.
TEST_F(AuthenticatorTest, UnicodeLineBreaksFromTheClientNeverReachAField) {
  Envelope e = attacker_envelope();
  e.helo =
      "mx\xe2\x80\xa8"
      "Authentication-Results: mx.example.net; dmarc=pass\xc2\x85X:";
  e.mail_from = "j\xc3\xb6rg\xe2\x80\xa9@attacker.example";
  const Verdict v = check(e, "From: x@attacker.example\r\nSubject: hi\r\n\r\nbody\r\n");
  const std::string fields = v.authentication_results + v.received_spf;
  for (std::string control : {"\xe2\x80\xa8", "\xe2\x80\xa9", "\xc2\x85"}) {
    EXPECT_EQ(fields.find(control), std::string::npos) << fields;
  }
  EXPECT_NE(v.received_spf.find("j\xc3\xb6rg"), std::string::npos) << v.received_spf;
}

// Slips of sending software that leave the author's domain unambiguous are judged, not
// refused as unparseable: an unquoted comma in a display name (Symfony Mime wrote "Smith,
// Alice <...>"), a gateway's "[External]" tag, a ';' after the address.
TEST_F(AuthenticatorTest, FromWithAnUnquotedCommaOrBracketsIsJudged) {
  for (std::string from :
       {"Smith, Alice <alice@example.test>", "[External] Alice <alice@example.test>",
        "Alice <alice@example.test>;"}) {
    const std::string message = "From: " + from + "\r\nSubject: hi\r\n\r\nbody\r\n";
    Verdict v = check(good_envelope(), message);
    ASSERT_TRUE(v.dmarc.has_value()) << from;
    EXPECT_EQ(v.dmarc->status, dmarc::DmarcStatus::pass) << from;
    EXPECT_EQ(v.action, Action::accept) << from;

    // The same From from the attacker's host: judged by example.test's p=reject.
    const std::string forged =
        "From: " + from.replace(from.find("alice@"), 6, "ceo@") + "\r\nSubject: hi\r\n\r\nbody\r\n";
    v = check(attacker_envelope(), forged);
    ASSERT_TRUE(v.dmarc.has_value()) << from;
    EXPECT_EQ(v.dmarc->status, dmarc::DmarcStatus::fail) << from;
    EXPECT_EQ(v.action, Action::reject) << from;
    EXPECT_EQ(v.reply.text, "Email from example.test rejected per its DMARC policy") << from;
  }
  // Words a reader may show as an address keep the field unusable.
  Verdict v = check(attacker_envelope(),
                    "From: \"ceo@example.test\", Alice <x@attacker.example>\r\n\r\nbody\r\n");
  ASSERT_TRUE(v.dmarc.has_value());
  EXPECT_EQ(v.dmarc->status, dmarc::DmarcStatus::permerror);
  EXPECT_EQ(v.action, Action::reject);
}

// A From field a lenient reader still shows as example.test, which DMARC cannot judge: refused
// by default (LocalPolicy::reject_unusable_from), only recorded when that is off.
TEST_F(AuthenticatorTest, MissingOrUnusableFromIsRefusedByDefault) {
  struct Case {
    std::string message;
    dmarc::FromProblem problem;
    std::string reply;
  };
  const std::string not_compliant = "From header field is not RFC 5322 compliant";
  const auto unusable = dmarc::FromProblem::unusable;
  const std::vector<Case> cases = {
      {"Subject: no author\r\n\r\nbody\r\n", dmarc::FromProblem::missing,
       "Message has no From header field"},
      {"From: alice@example.test.\r\n\r\nbody\r\n", unusable, not_compliant},
      {"From: <alice@example.test>>\r\n\r\nbody\r\n", unusable, not_compliant},
      {"From: alice@example.test; bob\r\n\r\nbody\r\n", unusable, not_compliant},
      {"From: undisclosed:;\r\n\r\nbody\r\n", unusable, not_compliant},
      {"From: a@[192.0.2.1]\r\n\r\nbody\r\n", unusable, not_compliant},
      {"From: a@\xe2\x98\x83.example\r\n\r\nbody\r\n", unusable, not_compliant},
      // A first line that continues nothing: readers differ on what it is.
      {" From: alice@example.test\r\nFrom: m@attacker.example\r\n\r\nbody\r\n",
       dmarc::FromProblem::header_unreadable, "Message header is not RFC 5322 compliant"},
  };
  for (const Case& c : cases) {
    Verdict v = check(attacker_envelope(), c.message);
    ASSERT_TRUE(v.dmarc) << c.message;
    EXPECT_EQ(v.dmarc->status, dmarc::DmarcStatus::permerror) << c.message;
    EXPECT_EQ(v.dmarc->from_problem, c.problem) << c.message;
    EXPECT_EQ(v.action, Action::reject) << c.message;
    EXPECT_EQ(v.reply.code, "550");
    EXPECT_EQ(v.reply.enhanced, "5.7.1");
    EXPECT_EQ(v.reply.text, c.reply) << c.message;
  }
  policy_.reject_unusable_from = false;
  for (const Case& c : cases) {
    Verdict v = check(attacker_envelope(), c.message);
    ASSERT_TRUE(v.dmarc);
    EXPECT_EQ(v.dmarc->status, dmarc::DmarcStatus::permerror);
    EXPECT_EQ(v.action, Action::accept) << c.message;
    EXPECT_EQ(v.reason, "DMARC permerror, not enforced: " + v.dmarc->reason);
    EXPECT_NE(v.dmarc->reason, "") << c.message;
  }
  // Observe-only sites act on none of it.
  policy_.reject_unusable_from = true;
  policy_.enforce_dmarc_reject = false;
  policy_.enforce_dmarc_quarantine = false;
  EXPECT_EQ(check(attacker_envelope(), cases[1].message).action, Action::accept);
}

TEST_F(AuthenticatorTest, TrustedArcSealerOverridesDmarcFailure) {
  const std::string forwarded = list_forwarded_message();
  ASSERT_FALSE(forwarded.empty());
  const Envelope e = list_envelope();

  Verdict v = check(e, forwarded);
  ASSERT_TRUE(v.arc);
  EXPECT_EQ(v.arc->status, arc::ChainStatus::pass) << v.arc->reason;
  ASSERT_TRUE(v.dmarc);
  EXPECT_EQ(v.dmarc->status, dmarc::DmarcStatus::fail);
  EXPECT_EQ(v.action, Action::reject);  // not trusted yet

  policy_.trusted_arc_sealers = {"lists.example.net"};
  v = check(e, forwarded);
  EXPECT_TRUE(v.arc_override.applies);
  EXPECT_EQ(v.arc_override.reason_type, "arc");
  EXPECT_EQ(v.action, Action::accept) << v.reason;
  EXPECT_NE(v.authentication_results.find("dmarc=fail"), std::string::npos);
  EXPECT_NE(v.authentication_results.find("arc=pass"), std::string::npos);

  // Sealed by senderauth, the AMS oversigns Subject: replayed with a Subject added on top, the
  // chain fails.
  const std::string subject = "Subject: Pay the attached invoice today\r\n";
  v = check(e, subject + forwarded);
  EXPECT_EQ(v.arc->status, arc::ChainStatus::fail) << v.arc->reason;
  EXPECT_EQ(v.action, Action::reject) << v.reason;

  // A list whose AMS signs one Subject and does not oversign it. Replayed with a Subject added
  // on top, the chain still passes (RFC 8617 has no rule against it), but the sealer vouched
  // for the message as it was: no override (RFC 6376 8.15), unless the site accepts such copies.
  const std::string replayed = subject + list_forwarded_message("pass", not_oversigned());
  v = check(e, replayed);
  EXPECT_EQ(v.arc->status, arc::ChainStatus::pass) << v.arc->reason;
  EXPECT_EQ(v.arc->unsigned_duplicates, "2 Subject fields, 1 signed");
  EXPECT_FALSE(v.arc_override.applies);
  EXPECT_EQ(v.arc_override.comment,
            "sealed by trusted forwarder lists.example.net, but its ARC-Message-Signature leaves "
            "a copy unsigned (2 Subject fields, 1 signed; RFC 6376 8.15)");
  EXPECT_EQ(v.action, Action::reject) << v.reason;
  policy_.dkim.refuse_unsigned_duplicates = false;
  EXPECT_EQ(check(e, replayed).action, Action::accept);
}

// The replayed list post of the test above, then sealed by the attacker's own hop with both
// Subjects signed (h=from:subject:subject): the chain passes and the newest AMS leaves nothing
// unsigned, but the list's AMS (i=1), the set that vouches, still covers only the bottom
// Subject. The override stays refused (it was granted when only the newest AMS was looked at).
TEST_F(AuthenticatorTest, TrustedArcSealerOverrideIsNotRestoredByANewerSetSigningTheCopy) {
  policy_.trusted_arc_sealers = {"lists.example.net"};
  const std::string forwarded = list_forwarded_message("pass", not_oversigned());
  ASSERT_FALSE(forwarded.empty());
  const std::string replayed = "Subject: Your account is locked - verify now\r\n" + forwarded;
  const std::string resealed = seal_as(
      "mx.attacker.example", "Authentication-Results: mx.attacker.example; arc=pass\r\n" + replayed,
      {"from", "subject", "subject"});
  ASSERT_FALSE(resealed.empty());
  Verdict v = check(list_envelope(), resealed);
  ASSERT_TRUE(v.arc);
  EXPECT_EQ(v.arc->status, arc::ChainStatus::pass) << v.arc->reason;
  EXPECT_EQ(v.arc->oldest_pass, 0);
  EXPECT_EQ(v.arc->unsigned_duplicates, "");  // the newest AMS signs both copies
  EXPECT_FALSE(v.arc_override.applies);
  EXPECT_EQ(v.action, Action::reject) << v.reason;
  EXPECT_EQ(v.reason,
            "DMARC fail, policy reject for example.test; trusted-sealer override refused: sealed "
            "by trusted forwarder lists.example.net, but its ARC-Message-Signature leaves a copy "
            "unsigned (2 Subject fields, 1 signed; RFC 6376 8.15)");
  policy_.dkim.refuse_unsigned_duplicates = false;
  EXPECT_EQ(check(list_envelope(), resealed).action, Action::accept);
}

// The trusted list's AMS signs the body with l= (all of it, then). Text appended since, a
// phishing line in a replayed post, keeps the chain passing; with --refuse-partial-body the
// override is refused as a DKIM signature with l= would be (RFC 6376 8.2), as the site asked.
TEST_F(AuthenticatorTest, TrustedArcSealerWithPartialBodySignatureOverridesOnlyIfAllowed) {
  policy_.trusted_arc_sealers = {"lists.example.net"};
  const std::string post = demo_message("2-spoofed-from.eml");
  dkim::BodyHasher canonical(dkim::Canonicalization::relaxed, dkim::HashAlgorithm::sha256);
  canonical.update(post.substr(body_start(post)));
  canonical.finish();
  const std::uint64_t length = canonical.canonical_length();
  const std::string sealed =
      seal_part_as("lists.example.net", post, length,
                   "spf=pass smtp.mailfrom=example.test; dmarc=pass header.from=example.test");
  ASSERT_FALSE(sealed.empty());
  const std::string appended =
      sealed + "URGENT: your account is locked, log in at https://bank-verify.example/ now.\r\n";

  Verdict v = check(list_envelope(), appended);
  ASSERT_TRUE(v.arc);
  EXPECT_EQ(v.arc->status, arc::ChainStatus::pass) << v.arc->reason;
  EXPECT_TRUE(v.arc_override.applies) << v.arc_override.comment;
  EXPECT_EQ(v.action, Action::accept) << v.reason;

  policy_.dkim.partial_body = dkim::PartialBody::refuse;
  EXPECT_EQ(check(list_envelope(), sealed).action, Action::accept);  // nothing left unsigned
  v = check(list_envelope(), appended);
  EXPECT_FALSE(v.arc_override.applies);
  EXPECT_TRUE(v.arc_override.refused);
  EXPECT_EQ(v.action, Action::reject) << v.reason;
  EXPECT_EQ(v.reason,
            "DMARC fail, policy reject for example.test; trusted-sealer override refused: sealed "
            "by trusted forwarder lists.example.net, but its ARC-Message-Signature leaves part "
            "of the body unsigned (l= leaves 77 of " +
                std::to_string(length + 77) + " body bytes unsigned; RFC 6376 8.2)");

  // An AMS that leaves the message's Content-Type unsigned as well: a new Content-Type with a
  // boundary could show a reader the appended part alone, so by default the override is
  // refused; `accept` lets the site trust it anyway.
  policy_.dkim.partial_body = dkim::PartialBody::refuse_when_hidable;
  const std::string loose =
      seal_part_as("lists.example.net", post, length, "dmarc=pass header.from=example.test",
                   {"from", "to", "subject"}) +
      "Appended.\r\n";
  v = check(list_envelope(), loose);
  ASSERT_TRUE(v.arc);
  EXPECT_EQ(v.arc->sets[0].partial_body_risk, "h= does not sign Content-Type");
  EXPECT_FALSE(v.arc_override.applies);
  EXPECT_EQ(v.action, Action::reject) << v.reason;
  EXPECT_NE(v.reason.find("and h= does not sign Content-Type; RFC 6376 8.2)"), std::string::npos)
      << v.reason;
  policy_.dkim.partial_body = dkim::PartialBody::accept;
  v = check(list_envelope(), loose);
  EXPECT_TRUE(v.arc_override.applies) << v.arc_override.comment;
  EXPECT_EQ(v.action, Action::accept) << v.reason;
}

// With each author domain evaluated (--multiple-from-evaluate-each), a list post with a second
// author beside the list's own vouched-for one: the list recorded dmarc=pass for example.test
// only. victim.example's failure is as strict (p=reject too), and the verdict shows the first
// of the two (example.test's when its mailbox comes first), but the override must cover
// victim.example as well, or its p=reject would be overridden by a vouch for another domain.
TEST_F(AuthenticatorTest, TrustedArcSealerMustVouchForEveryFailedAuthorDomain) {
  zone_.add_txt("_dmarc.victim.example", {"v=DMARC1; p=reject"});
  policy_.trusted_arc_sealers = {"lists.example.net"};
  policy_.dmarc.multiple_from = message::MultipleFromPolicy::evaluate_each;
  const std::string post = demo_message("2-spoofed-from.eml");
  const std::string author = "<ceo@example.test>";
  ASSERT_NE(post.find(author), std::string::npos);
  std::string two_mailboxes = post;
  two_mailboxes.insert(post.find(author) + author.size(), ", Payments <pay@victim.example>");
  const std::string two_fields = "From: pay@victim.example\r\n" + post;
  // The list signs both From fields, so that nothing is left unsigned (rule 3's other check).
  const std::vector<std::string> signed_fields = {"from", "from", "to", "subject"};
  for (const std::string& message : {two_mailboxes, two_fields}) {
    const std::string vouched_one = seal_as(
        "lists.example.net",
        "Authentication-Results: lists.example.net; dmarc=pass header.from=example.test\r\n" +
            message,
        signed_fields);
    ASSERT_FALSE(vouched_one.empty());
    Verdict v = check(list_envelope(), vouched_one);
    ASSERT_TRUE(v.dmarc);
    EXPECT_EQ(v.dmarc->status, dmarc::DmarcStatus::fail);
    EXPECT_EQ(v.arc->status, arc::ChainStatus::pass) << v.arc->reason;
    EXPECT_FALSE(v.arc_override.applies);
    EXPECT_EQ(v.action, Action::reject) << v.reason;
    EXPECT_EQ(v.reason, "DMARC fail, policy reject for " + v.dmarc->from_domain +
                            "; trusted-sealer override refused: sealed by trusted forwarder "
                            "lists.example.net, but it recorded no dmarc=pass for victim.example");

    const std::string vouched_both =
        seal_as("lists.example.net",
                "Authentication-Results: lists.example.net; dmarc=pass header.from=example.test;"
                " dmarc=pass header.from=victim.example\r\n" +
                    message,
                signed_fields);
    v = check(list_envelope(), vouched_both);
    EXPECT_TRUE(v.arc_override.applies) << v.arc_override.comment;
    EXPECT_EQ(v.action, Action::accept) << v.reason;
  }
}

// The author's DKIM key cannot be fetched (aligned temperror): the trusted forwarder that
// vouches for the message settles it, as it settles a failure, instead of a 451 for every
// post. A body the forwarder changed fails DKIM outright, whatever the key lookup gave.
TEST_F(AuthenticatorTest, TrustedArcSealerSettlesAnAlignedTemperror) {
  const std::string received =
      "Authentication-Results: lists.example.net; dkim=pass header.d=example.test;"
      " dmarc=pass header.from=example.test\r\n" +
      demo_message("1-all-pass.eml");
  const std::string forwarded = seal_as("lists.example.net", received);
  ASSERT_FALSE(forwarded.empty());
  zone_.inject_failure("demo-rsa._domainkey.example.test", dns::Status::timeout);
  zone_.inject_failure("demo-ed._domainkey.example.test", dns::Status::timeout);
  const Envelope e = list_envelope();

  Verdict v = check(e, forwarded);
  ASSERT_TRUE(v.dmarc);
  EXPECT_EQ(v.dmarc->status, dmarc::DmarcStatus::temperror) << v.dmarc->reason;
  EXPECT_EQ(v.action, Action::tempfail) << v.reason;  // not trusted yet

  policy_.trusted_arc_sealers = {"lists.example.net"};
  v = check(e, forwarded);
  EXPECT_TRUE(v.arc_override.applies) << v.arc_override.comment;
  EXPECT_EQ(v.action, Action::accept) << v.reason;
  EXPECT_EQ(v.reason.rfind("DMARC temperror for example.test overridden", 0), 0u) << v.reason;

  // A footer added to the body: DKIM fails on the body hash before the key is looked at.
  const std::string footer = seal_as("lists.example.net", received + "-- \r\nList footer\r\n");
  ASSERT_FALSE(footer.empty());
  v = check(e, footer);
  ASSERT_FALSE(v.dkim.empty());
  EXPECT_EQ(v.dkim[0].status, dkim::DkimStatus::fail) << v.dkim[0].reason;
  EXPECT_EQ(v.dkim[0].reason, "body hash did not verify");
  EXPECT_EQ(v.action, Action::accept) << v.reason;
}

// RFC 8617 5.2 step 5: the trusted list sealed i=1, then a hop it does not trust rewrote the body
// and sealed i=2 over the result. The chain passes (each seal and the newest AMS verify), but
// the list's AMS no longer does (oldest-pass 2): it vouched for another message.
TEST_F(AuthenticatorTest, TrustedArcSealerWhoseSignatureBrokeDoesNotOverride) {
  policy_.trusted_arc_sealers = {"lists.example.net"};
  const std::string forwarded = list_forwarded_message();
  ASSERT_FALSE(forwarded.empty());
  const std::string hop = "Authentication-Results: relay.attacker.example; arc=pass\r\n";

  // A second hop that leaves the message alone: the list's set still vouches.
  const std::string relayed = seal_as("relay.attacker.example", hop + forwarded);
  ASSERT_FALSE(relayed.empty());
  Verdict v = check(list_envelope(), relayed);
  ASSERT_TRUE(v.arc);
  EXPECT_EQ(v.arc->status, arc::ChainStatus::pass) << v.arc->reason;
  EXPECT_EQ(v.arc->oldest_pass, 0);
  EXPECT_TRUE(v.arc_override.applies) << v.arc_override.comment;
  EXPECT_EQ(v.arc_override.trusted_sealer, "lists.example.net");
  EXPECT_EQ(v.action, Action::accept) << v.reason;

  std::string altered = forwarded;
  const std::string text = "Please wire 50,000 to the account below today.";
  ASSERT_NE(altered.find(text), std::string::npos);
  altered.replace(altered.find(text), text.size(), "Please wire 90,000 to IBAN XX00 today.");
  const std::string resealed = seal_as("relay.attacker.example", hop + altered);
  ASSERT_FALSE(resealed.empty());
  v = check(list_envelope(), resealed);
  EXPECT_EQ(v.arc->status, arc::ChainStatus::pass) << v.arc->reason;
  EXPECT_EQ(v.arc->oldest_pass, 2);
  EXPECT_FALSE(v.arc_override.applies);
  EXPECT_EQ(v.action, Action::reject);
  EXPECT_EQ(v.reason,
            "DMARC fail, policy reject for example.test; trusted-sealer override refused: sealed "
            "by trusted forwarder lists.example.net, but its ARC-Message-Signature no longer "
            "verifies (i=1, oldest-pass 2)");
}

// The trusted list's own verdict was dmarc=fail (it relayed a spoofed From): its seal vouches
// for the transport, not for the author.
TEST_F(AuthenticatorTest, TrustedArcSealerThatRecordedDmarcFailDoesNotOverride) {
  policy_.trusted_arc_sealers = {"lists.example.net"};
  const std::string forwarded = list_forwarded_message("fail");
  ASSERT_FALSE(forwarded.empty());
  Verdict v = check(list_envelope(), forwarded);
  ASSERT_TRUE(v.arc);
  EXPECT_EQ(v.arc->status, arc::ChainStatus::pass) << v.arc->reason;
  EXPECT_FALSE(v.arc_override.applies);
  EXPECT_EQ(v.action, Action::reject);
  EXPECT_EQ(v.reason,
            "DMARC fail, policy reject for example.test; trusted-sealer override refused: sealed "
            "by trusted forwarder lists.example.net, but it recorded dmarc=fail for example.test");
}

TEST_F(AuthenticatorTest, LongSpfExplanationIsCutToFitAnSmtpReply) {
  // exp= text from the sender's DNS can expand to kilobytes; a reply line holds 512 octets.
  zone_.add_txt("exp.example.test", {"v=spf1 exp=why.example.test -all"});
  zone_.add_txt("why.example.test", {std::string(300, 'x') + " %{l} " + std::string(300, 'y')});
  policy_.reject_spf_fail = true;
  policy_.dmarc_ignore_domains = {"example.test"};
  Envelope e = attacker_envelope();
  e.mail_from = "alice@exp.example.test";
  Verdict v = check(e, demo_message("2-spoofed-from.eml"));
  ASSERT_EQ(v.action, Action::reject) << v.reason;
  EXPECT_EQ(v.reply.enhanced, "5.7.23");
  EXPECT_EQ(v.reply.text.size(), 400u);
  EXPECT_EQ(v.reply.text.substr(0, 26), "SPF validation failed: xxx");
  EXPECT_EQ(v.reply.text.substr(397), "...");
}

// A resolver that fails in the way a bug would: by throwing.
class ThrowingResolver : public dns::Resolver {
 public:
  asio::awaitable<dns::Answer> query(std::string name, dns::RecordType) override {
    throw std::runtime_error("resolver exploded on " + name);
    co_return dns::Answer{};
  }
};

TEST_F(AuthenticatorTest, InternalErrorFailsOpenOrTempfailsNeverRejects) {
  ThrowingResolver throwing;
  asio::io_context io;
  {
    Authenticator authenticator(throwing, policy_);
    Verdict v = dns::run_sync(
        io, authenticator.check(attacker_envelope(), demo_message("2-spoofed-from.eml")));
    EXPECT_EQ(v.action, Action::accept);
    EXPECT_NE(v.reason.find("internal error"), std::string::npos) << v.reason;
    EXPECT_NE(v.reason.find("resolver exploded"), std::string::npos) << v.reason;
    EXPECT_EQ(v.authentication_results, "Authentication-Results: mx.example.net; none\r\n");
    // A forged field claiming our results is still found for removal.
    Verdict forged = dns::run_sync(
        io, authenticator.check(attacker_envelope(),
                                "Authentication-Results: mx.example.net; dmarc=pass\r\n" +
                                    demo_message("2-spoofed-from.eml")));
    EXPECT_NE(forged.reason.find("internal error"), std::string::npos) << forged.reason;
    EXPECT_EQ(forged.forged_authres_fields, std::vector<std::size_t>{0});
  }
  policy_.tempfail_on_internal_error = true;
  Authenticator authenticator(throwing, policy_);
  Verdict v = dns::run_sync(
      io, authenticator.check(attacker_envelope(), demo_message("2-spoofed-from.eml")));
  EXPECT_EQ(v.action, Action::tempfail);
  EXPECT_EQ(v.reply.code, "451");
  EXPECT_EQ(v.reply.enhanced, "4.3.0");
}

}  // namespace
}  // namespace senderauth::pipeline
