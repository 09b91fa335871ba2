// Sealing and validating multi-hop chains with RSA and Ed25519 keys, and what breaks them.
#include <gtest/gtest.h>

#include <asio/io_context.hpp>
#include <set>
#include <stdexcept>
#include <string>

#include "senderauth/arc/sealer.hpp"
#include "senderauth/arc/verifier.hpp"
#include "senderauth/dkim/key_record.hpp"
#include "senderauth/dns/run_sync.hpp"
#include "senderauth/dns/zone_resolver.hpp"
#include "senderauth/message/message_reader.hpp"
#include "support/arc_body_length.hpp"
#include "support/query_only_resolver.hpp"

namespace senderauth::arc {
namespace {

// The text with its folds (CRLF and the space after it) taken out.
std::string without_folds(std::string text) {
  for (std::size_t at; (at = text.find("\r\n ")) != std::string::npos;) text.erase(at, 3);
  return text;
}

const std::string kMessage =
    "From: Alice <alice@origin.example>\r\n"
    "To: list@lists.example.org\r\n"
    "Subject: hello\r\n"
    "Date: Mon, 23 Nov 2026 09:00:00 +0000\r\n"
    "Message-ID: <1@origin.example>\r\n"
    "\r\n"
    "Hello, world.\r\n";

struct Keys {
  dkim::PrivateKey rsa = dkim::PrivateKey::generate(dkim::KeyType::rsa, 1024).value();
  dkim::PrivateKey ed = dkim::PrivateKey::generate(dkim::KeyType::ed25519).value();
};

const Keys& keys() {
  static const Keys k;
  return k;
}

class ArcRoundTrip : public ::testing::Test {
 protected:
  void SetUp() override {
    zone_.add_txt("rsa._domainkey.a.example",
                  dkim::split_txt_strings(
                      dkim::format_key_record(dkim::KeyType::rsa, keys().rsa.public_key_der())));
    zone_.add_txt("ed._domainkey.b.example",
                  {dkim::format_key_record(dkim::KeyType::ed25519, keys().ed.public_key_der())});
  }

  SealOptions hop_a() const {
    SealOptions o;
    o.domain = "a.example";
    o.selector = "rsa";
    o.authserv_id = "mx.a.example";
    o.key = keys().rsa;
    o.timestamp = 1700000000;
    return o;
  }
  SealOptions hop_b() const {
    SealOptions o;
    o.domain = "b.example";
    o.selector = "ed";
    o.authserv_id = "mx.b.example";
    o.key = keys().ed;
    o.timestamp = 1700000100;
    return o;
  }

  // Adds our A-R and seals; returns the sealed message.
  std::string seal(const std::string& message, const SealOptions& o, const std::string& results) {
    std::string with_ar =
        "Authentication-Results: " + o.authserv_id + "; " + results + "\r\n" + message;
    auto sealed = seal_message(with_ar, o);
    EXPECT_TRUE(sealed.ok()) << sealed.reason();
    if (!sealed.ok()) return with_ar;
    EXPECT_TRUE(sealed->sealed) << sealed->reason;
    return sealed->fields() + with_ar;
  }

  ArcResult verify(const std::string& message) {
    asio::io_context io;
    return dns::run_sync(io, verify_arc(message, zone_, VerifyOptions{}));
  }

  dns::ZoneResolver zone_;
};

TEST_F(ArcRoundTrip, FirstHopRsa) {
  std::string one = seal(kMessage, hop_a(), "spf=pass smtp.mailfrom=origin.example");
  EXPECT_NE(one.find("ARC-Seal: a=rsa-sha256;"), std::string::npos);
  EXPECT_NE(one.find("cv=none; d=a.example; i=1; s=rsa; t=1700000000"), std::string::npos);
  EXPECT_NE(one.find("ARC-Authentication-Results: i=1; mx.a.example; spf=pass"), std::string::npos);
  ArcResult r = verify(one);
  EXPECT_EQ(r.status, ChainStatus::pass) << r.reason;
  EXPECT_EQ(r.instances, 1);
  ASSERT_EQ(r.sets.size(), 1u);
  EXPECT_EQ(r.sets[0].authserv_id, "mx.a.example");
  EXPECT_EQ(r.sets[0].seal_valid, true);
  EXPECT_EQ(r.sets[0].ams_valid, true);
}

// The AAR puts each result on a line of its own, at the ';' between results: not at one inside
// a quoted local part or a comment, where a fold would change the value.
TEST_F(ArcRoundTrip, ResultsAreSplitOnlyBetweenResults) {
  std::string one = seal(kMessage, hop_a(),
                         "spf=pass smtp.mailfrom=\"a;b\"@origin.example; dmarc=fail (no aligned "
                         "pass; p=reject) header.from=origin.example");
  EXPECT_NE(one.find("ARC-Authentication-Results: i=1; mx.a.example; spf=pass "
                     "smtp.mailfrom=\"a;b\"@origin.example;\r\n  dmarc=fail (no aligned pass; "
                     "p=reject) header.from=origin.example\r\n"),
            std::string::npos)
      << one.substr(one.find("ARC-Authentication-Results"), 200);
  EXPECT_EQ(verify(one).status, ChainStatus::pass);
}

TEST_F(ArcRoundTrip, SecondHopEd25519) {
  std::string one = seal(kMessage, hop_a(), "spf=pass smtp.mailfrom=origin.example");
  std::string two = seal(one, hop_b(), "arc=pass; dmarc=fail header.from=origin.example");
  EXPECT_NE(two.find("ARC-Seal: a=ed25519-sha256;"), std::string::npos);
  ArcResult r = verify(two);
  EXPECT_EQ(r.status, ChainStatus::pass) << r.reason;
  EXPECT_EQ(r.instances, 2);
  EXPECT_EQ(r.oldest_pass, 0);
  EXPECT_EQ(r.sealing_domains(), (std::vector<std::string>{"b.example", "a.example"}));
}

// Fed as a milter feeds it: the keys can be fetched from the header section alone, each name
// once, and finish() then asks for nothing more.
TEST_F(ArcRoundTrip, KeysFetchedFromTheHeaderSectionAlone) {
  std::string one = seal(kMessage, hop_a(), "spf=pass smtp.mailfrom=origin.example");
  std::string two = seal(one, hop_b(), "arc=pass; dmarc=fail header.from=origin.example");
  const std::size_t body_at = two.find("\r\n\r\n") + 4;
  testing::QueryOnlyResolver remote(zone_);
  for (const bool at_hand : {true, false}) {
    dns::Resolver& resolver = at_hand ? static_cast<dns::Resolver&>(zone_) : remote;
    ArcVerifier verifier;
    message::MessageReader reader(&verifier);
    EXPECT_FALSE(verifier.fetch_keys_now(resolver));  // no header section yet
    ASSERT_TRUE(reader.feed(two.substr(0, body_at)));
    EXPECT_EQ(verifier.fetch_keys_now(resolver), at_hand);
    asio::io_context io;
    if (!at_hand) {
      dns::run_sync(io, [&]() -> asio::awaitable<int> {
        co_await verifier.fetch_keys(resolver);
        co_return 0;
      }());
      // Two seals and two AMSs, signed with two keys.
      EXPECT_EQ(remote.queries, 2);
    }
    zone_.clear_query_log();
    ASSERT_TRUE(reader.feed(two.substr(body_at)));
    ASSERT_TRUE(reader.finish());
    const ArcResult r = dns::run_sync(io, verifier.finish(resolver));
    EXPECT_EQ(r.status, ChainStatus::pass) << r.reason;
    EXPECT_EQ(r.instances, 2);
    EXPECT_EQ(zone_.query_count(), 0u);  // nothing asked again
    EXPECT_EQ(remote.queries, at_hand ? 0 : 2);
  }
}

// A message without ARC sets, or whose sets fail on their fields alone, needs no key at all.
TEST_F(ArcRoundTrip, NoKeysWantedWithoutAUsableChain) {
  std::string one = seal(kMessage, hop_a(), "spf=pass smtp.mailfrom=origin.example");
  std::string broken = one;
  broken.replace(broken.find("cv=none"), 7, "cv=pass");  // i=1 must say cv=none
  testing::QueryOnlyResolver remote(zone_);
  for (const std::string* message : {&kMessage, static_cast<const std::string*>(&broken)}) {
    ArcVerifier verifier;
    message::MessageReader reader(&verifier);
    ASSERT_TRUE(reader.feed(*message));
    EXPECT_TRUE(verifier.fetch_keys_now(remote));
    ASSERT_TRUE(reader.finish());
    asio::io_context io;
    const ArcResult r = dns::run_sync(io, verifier.finish(remote));
    EXPECT_EQ(r.status, message == &kMessage ? ChainStatus::none : ChainStatus::fail) << r.reason;
  }
  EXPECT_EQ(remote.queries, 0);
}

TEST_F(ArcRoundTrip, BodyChangedBetweenHopsMovesOldestPass) {
  std::string one = seal(kMessage, hop_a(), "spf=pass smtp.mailfrom=origin.example");
  std::string changed = one + "-- \r\nlist footer\r\n";
  std::string two = seal(changed, hop_b(), "arc=pass");
  ArcResult r = verify(two);
  EXPECT_EQ(r.status, ChainStatus::pass) << r.reason;
  EXPECT_EQ(r.oldest_pass, 2);
  EXPECT_EQ(r.sets[0].ams_valid, false);
}

TEST_F(ArcRoundTrip, BodyChangedAfterLastHopFails) {
  std::string one = seal(kMessage, hop_a(), "spf=pass smtp.mailfrom=origin.example");
  ArcResult r = verify(one + "appended\r\n");
  EXPECT_EQ(r.status, ChainStatus::fail);
  EXPECT_NE(r.reason.find("body hash"), std::string::npos) << r.reason;
}

TEST_F(ArcRoundTrip, TamperedOlderAarFailsTheSeal) {
  std::string one = seal(kMessage, hop_a(), "spf=pass smtp.mailfrom=origin.example");
  std::string two = seal(one, hop_b(), "arc=pass");
  auto at = two.find("i=1; mx.a.example; spf=pass");
  ASSERT_NE(at, std::string::npos);
  two.replace(at, 27, "i=1; mx.a.example; spf=fail");
  ArcResult r = verify(two);
  EXPECT_EQ(r.status, ChainStatus::fail);
  EXPECT_NE(r.reason.find("ARC-Seal i="), std::string::npos) << r.reason;
}

TEST_F(ArcRoundTrip, FailedChainIsSealedWithCvFailAndStaysFailed) {
  std::string one = seal(kMessage, hop_a(), "spf=pass smtp.mailfrom=origin.example");
  std::string two = seal(one + "changed\r\n", hop_b(), "arc=fail");
  EXPECT_NE(two.find("cv=fail"), std::string::npos);
  ArcResult r = verify(two);
  EXPECT_EQ(r.status, ChainStatus::fail);
  EXPECT_NE(r.reason.find("cv=fail"), std::string::npos) << r.reason;
}

// RFC 8617 5.1 step 2: once the newest seal says cv=fail, "there is no need to proceed and the
// algorithm stops here": no set is added, whatever this hop's verdict; vouching for such a
// chain with cv=pass is an error.
TEST_F(ArcRoundTrip, ChainWhoseNewestSealSaysFailIsNotContinued) {
  std::string one = seal(kMessage, hop_a(), "spf=pass smtp.mailfrom=origin.example");
  std::string two = seal(one + "changed\r\n", hop_b(), "arc=fail");
  ASSERT_NE(two.find("cv=fail; d=b.example; i=2"), std::string::npos) << two;
  const std::string three = "Authentication-Results: mx.a.example; arc=fail\r\n" + two;
  auto sealed = seal_message(three, hop_a());
  ASSERT_TRUE(sealed.ok()) << sealed.reason();
  EXPECT_FALSE(sealed->sealed);
  EXPECT_EQ(sealed->reason,
            "the newest ARC-Seal (i=2) says cv=fail: chain not continued (RFC 8617 5.1)");
  EXPECT_EQ(sealed->fields(), "");
  for (ChainStatus given : {ChainStatus::fail, ChainStatus::none}) {
    SealOptions o = hop_a();
    o.chain_status = given;
    sealed = seal_message(three, o);
    ASSERT_TRUE(sealed.ok()) << sealed.reason();
    EXPECT_FALSE(sealed->sealed);
  }
  SealOptions vouch = hop_a();
  vouch.chain_status = ChainStatus::pass;
  sealed = seal_message(three, vouch);
  ASSERT_FALSE(sealed.ok());
  EXPECT_EQ(sealed.reason(), "cv=pass but the newest ARC-Seal (i=2) says cv=fail");
}

// cv=pass over seals whose cv= values break RFC 8617 5.2 step 3 (i=1 must say none).
TEST_F(ArcRoundTrip, ExplicitPassOnWrongCvValuesIsRefused) {
  const std::string forged =
      "ARC-Seal: i=1; a=rsa-sha256; b=AAAA; cv=pass; d=x.example; s=s\r\n"
      "ARC-Message-Signature: i=1; a=rsa-sha256; b=AAAA; bh=AAAA; d=x.example; h=from; s=s\r\n"
      "ARC-Authentication-Results: i=1; x.example; none\r\n" +
      kMessage;
  SealOptions o = hop_a();
  o.chain_status = ChainStatus::pass;
  o.auth_results = "arc=pass";
  auto sealed = seal_message(forged, o);
  ASSERT_FALSE(sealed.ok());
  EXPECT_EQ(sealed.reason(),
            "cv=pass but the ARC chain is broken: ARC-Seal i=1 says cv=pass, not none");
}

TEST_F(ArcRoundTrip, MissingKeyAndTemporaryDnsFailure) {
  std::string one = seal(kMessage, hop_a(), "spf=pass smtp.mailfrom=origin.example");
  dns::ZoneResolver empty;
  asio::io_context io;
  ArcResult r = dns::run_sync(io, verify_arc(one, empty, VerifyOptions{}));
  EXPECT_EQ(r.status, ChainStatus::fail);
  EXPECT_NE(r.reason.find("no key record"), std::string::npos) << r.reason;
  zone_.inject_failure("rsa._domainkey.a.example", dns::Status::servfail);
  r = verify(one);
  EXPECT_EQ(r.status, ChainStatus::fail);
  EXPECT_NE(r.reason.find("temporarily"), std::string::npos) << r.reason;
}

// ARC takes its key by DKIM's rule (`dkim::choose_key_record`): a TXT record that is not a key
// record beside the key is passed over, a second key record makes the key ambiguous.
TEST_F(ArcRoundTrip, OtherTxtRecordsAtTheKeyNameFollowDkimsRule) {
  std::string one = seal(kMessage, hop_a(), "spf=pass smtp.mailfrom=origin.example");
  zone_.add_txt("rsa._domainkey.a.example", {"google-site-verification=abc123"});
  ArcResult r = verify(one);
  EXPECT_EQ(r.status, ChainStatus::pass) << r.reason;
  zone_.add_txt("rsa._domainkey.a.example",
                {dkim::format_key_record(dkim::KeyType::ed25519, keys().ed.public_key_der())});
  r = verify(one);
  EXPECT_EQ(r.status, ChainStatus::fail);
  EXPECT_NE(r.reason.find("2 key records among 3 TXT records"), std::string::npos) << r.reason;
}

// A resolver that throws (a bug or resource failure, not DNS trouble) fails that key's lookup
// like a DNS error: the chain fails with a reason, no exception reaches the caller.
TEST_F(ArcRoundTrip, ResolverThatThrowsFailsTheKeyNotTheCall) {
  class Throwing final : public dns::Resolver {
   public:
    asio::awaitable<dns::Answer> query(std::string, dns::RecordType) override {
      throw std::runtime_error("out of sockets");
      co_return dns::Answer{};
    }
  };
  std::string one = seal(kMessage, hop_a(), "spf=pass smtp.mailfrom=origin.example");
  Throwing resolver;
  asio::io_context io;
  ArcResult r = dns::run_sync(io, verify_arc(one, resolver, VerifyOptions{}));
  EXPECT_EQ(r.status, ChainStatus::fail);
  EXPECT_NE(r.reason.find("failed temporarily (error)"), std::string::npos) << r.reason;
}

TEST_F(ArcRoundTrip, NoChainNoArcHeaders) {
  ArcResult r = verify(kMessage);
  EXPECT_EQ(r.status, ChainStatus::none);
  EXPECT_EQ(r.instances, 0);
}

TEST_F(ArcRoundTrip, SealerNeedsOurResults) {
  auto sealed = seal_message(kMessage, hop_a());
  ASSERT_TRUE(sealed.ok()) << sealed.reason();
  EXPECT_FALSE(sealed->sealed);
  EXPECT_NE(sealed->reason.find("mx.a.example"), std::string::npos);
  SealOptions given = hop_a();
  given.auth_results = "spf=pass smtp.mailfrom=origin.example";
  sealed = seal_message(kMessage, given);
  ASSERT_TRUE(sealed.ok()) << sealed.reason();
  EXPECT_TRUE(sealed->sealed);
  EXPECT_EQ(verify(sealed->fields() + kMessage).status, ChainStatus::pass);
}

TEST_F(ArcRoundTrip, ExistingChainWithoutOurVerdictIsNotContinued) {
  std::string one = seal(kMessage, hop_a(), "spf=pass smtp.mailfrom=origin.example");
  std::string with_ar = "Authentication-Results: mx.b.example; spf=pass\r\n" + one;
  auto sealed = seal_message(with_ar, hop_b());
  ASSERT_TRUE(sealed.ok()) << sealed.reason();
  EXPECT_FALSE(sealed->sealed);
  SealOptions explicit_pass = hop_b();
  explicit_pass.chain_status = ChainStatus::pass;
  sealed = seal_message(with_ar, explicit_pass);
  ASSERT_TRUE(sealed.ok()) << sealed.reason();
  ASSERT_TRUE(sealed->sealed);
  EXPECT_EQ(sealed->instance, 2);
  EXPECT_EQ(verify(sealed->fields() + with_ar).status, ChainStatus::pass);
}

TEST_F(ArcRoundTrip, SealerRefusesBadOptions) {
  SealOptions no_from = hop_a();
  no_from.headers = {"to", "subject"};
  no_from.auth_results = "none";
  EXPECT_FALSE(seal_message(kMessage, no_from).ok());
  SealOptions seal_in_h = hop_a();
  seal_in_h.headers = {"from", "arc-seal"};
  seal_in_h.auth_results = "none";
  EXPECT_FALSE(seal_message(kMessage, seal_in_h).ok());
  SealOptions bad_domain = hop_a();
  bad_domain.domain = "a..example";
  bad_domain.auth_results = "none";
  EXPECT_FALSE(seal_message(kMessage, bad_domain).ok());
  SealOptions fresh_pass = hop_a();
  fresh_pass.chain_status = ChainStatus::pass;
  fresh_pass.auth_results = "none";
  EXPECT_FALSE(seal_message(kMessage, fresh_pass).ok());
}

// RFC 8617 4.1.2: the AMS "SHOULD include any DKIM-Signature header fields already present".
// With two, h= names dkim-signature twice, and stripping either breaks the AMS.
TEST_F(ArcRoundTrip, DefaultHeadersCoverEveryDkimSignature) {
  const std::string top = "DKIM-Signature: v=1; a=ed25519-sha256; d=origin.example; b=top\r\n";
  const std::string bottom = "DKIM-Signature: v=1; a=rsa-sha256; d=origin.example; b=bottom\r\n";
  const std::string one =
      seal(top + bottom + kMessage, hop_a(), "spf=pass smtp.mailfrom=origin.example");
  EXPECT_NE(without_folds(one).find(":content-transfer-encoding:dkim-signature:dkim-signature;"),
            std::string::npos)
      << one;
  ASSERT_EQ(verify(one).status, ChainStatus::pass);
  for (const std::string& stripped : {top, bottom}) {
    std::string message = one;
    message.erase(message.find(stripped), stripped.size());
    ArcResult r = verify(message);
    EXPECT_EQ(r.status, ChainStatus::fail) << stripped;
    EXPECT_NE(r.reason.find("AMS i=1 signature did not verify"), std::string::npos) << r.reason;
  }
}

// The AAR copies the fields `check` calls ours (authres::is_own_field), no others: with a
// dotless authserv-id (a host name such as "vm", the default of `check`), "vm =x; ..." names a
// method, not us, and `check` does not report it as forged; copying it would sign its
// dmarc=pass into our AAR.
TEST_F(ArcRoundTrip, OnlyFieldsCheckCallsOursAreCopied) {
  SealOptions o = hop_a();
  o.authserv_id = "vm";
  const std::string message =
      "Authentication-Results: vm; spf=pass smtp.mailfrom=origin.example\r\n"
      "Authentication-Results: vm =x; dmarc=pass header.from=bank.example\r\n"
      "Authentication-Results: (hi) VM.; dkim=pass header.d=origin.example\r\n" +
      kMessage;
  auto sealed = seal_message(message, o);
  ASSERT_TRUE(sealed.ok()) << sealed.reason();
  ASSERT_TRUE(sealed->sealed) << sealed->reason;
  EXPECT_EQ(sealed->auth_results,
            "ARC-Authentication-Results: i=1; vm; spf=pass smtp.mailfrom=origin.example;\r\n"
            "  dkim=pass header.d=origin.example\r\n");
}

// Results given to seal (--results) go into a header field: a line break would start another.
TEST_F(ArcRoundTrip, GivenResultsMustBeOneLine) {
  for (const std::string bad : {"spf=pass\r\nX-Injected: yes", "spf=pass\nX: y", "a=b\x7f"}) {
    SealOptions o = hop_a();
    o.auth_results = bad;
    auto sealed = seal_message(kMessage, o);
    ASSERT_FALSE(sealed.ok()) << bad;
    EXPECT_EQ(sealed.reason(), "the results to seal hold a line break or control character");
  }
  SealOptions o = hop_a();
  o.auth_results = "spf=pass\tsmtp.mailfrom=origin.example";
  EXPECT_TRUE(seal_message(kMessage, o).ok());
}

// RFC 8617 4.1.2: "Authentication-Results header fields MUST NOT be included in AMS signatures."
TEST_F(ArcRoundTrip, SealerRefusesToSignAuthenticationResults) {
  const std::string with_ar =
      "Authentication-Results: mx.a.example; spf=pass smtp.mailfrom=origin.example\r\n" + kMessage;
  for (const std::string name : {"authentication-results", "Authentication-Results"}) {
    SealOptions o = hop_a();
    o.headers = {"from", "subject", name};
    auto sealed = seal_message(with_ar, o);
    ASSERT_FALSE(sealed.ok()) << name;
    EXPECT_NE(sealed.reason().find("must not sign Authentication-Results"), std::string::npos)
        << sealed.reason();
  }
}

TEST_F(ArcRoundTrip, FiftyInstancesAreTheLimit) {
  std::string message = "ARC-Authentication-Results: i=50; x.example; none\r\n" + kMessage;
  SealOptions o = hop_a();
  o.auth_results = "arc=fail";
  auto sealed = seal_message(message, o);
  ASSERT_FALSE(sealed.ok());
  EXPECT_NE(sealed.reason().find("50"), std::string::npos);
}

TEST_F(ArcRoundTrip, StructureErrors) {
  std::string one = seal(kMessage, hop_a(), "spf=pass smtp.mailfrom=origin.example");
  // A second AAR claiming i=1.
  ArcResult dup = verify("ARC-Authentication-Results: i=1; x.example; none\r\n" + one);
  EXPECT_EQ(dup.status, ChainStatus::fail);
  EXPECT_NE(dup.reason.find("more than one"), std::string::npos) << dup.reason;
  // A lone set claiming i=3: instances 1..2 missing.
  ArcResult gap = verify("ARC-Authentication-Results: i=3; x.example; none\r\n" + one);
  EXPECT_EQ(gap.status, ChainStatus::fail);
  EXPECT_NE(gap.reason.find("ARC set 2 has no"), std::string::npos) << gap.reason;
}

// The default h= signs every copy present and oversigns the fields `dkim sign` oversigns (their
// absence signed): a Reply-To, a second From or Subject, or a Content-Type added by a later hop
// breaks the AMS; Date and Message-ID are not oversigned, nor are fields outside the list.
TEST_F(ArcRoundTrip, DefaultHeadersOversignWhatAReaderIsShown) {
  const std::string one = seal(kMessage, hop_a(), "spf=pass smtp.mailfrom=origin.example");
  EXPECT_NE(
      without_folds(one).find("h=from:from:to:to:cc:subject:subject:date:message-id:"
                              "reply-to:mime-version:content-type:content-transfer-encoding;"),
      std::string::npos)
      << one;
  // Too long for a line, h= is folded after a ':', and no line passes 78 characters but b=
  // (never folded: see sealer.cpp).
  for (std::size_t start = 0, end; start < one.size(); start = end + 2) {
    end = one.find("\r\n", start);
    if (end == std::string::npos) break;
    if (one.compare(start, 3, " b=") == 0) continue;
    if (one.compare(start, 22, "ARC-Message-Signature:") == 0 || one.compare(start, 1, " ") == 0) {
      EXPECT_LE(end - start, 78u) << one.substr(start, end - start);
    }
  }
  ASSERT_EQ(verify(one).status, ChainStatus::pass);
  for (const std::string added : {"Reply-To: Payments <pay@evil.example>\r\n",
                                  "Subject: Pay today\r\n", "From: CEO <ceo@origin.example>\r\n",
                                  "Content-Type: text/html\r\n", "Cc: y@evil.example\r\n"}) {
    ArcResult r = verify(added + one);
    EXPECT_EQ(r.status, ChainStatus::fail) << added;
  }
  EXPECT_EQ(verify("X-Mailing-List: l\r\n" + one).status, ChainStatus::pass);
  EXPECT_EQ(verify("Sender: list-owner@lists.example\r\n" + one).status, ChainStatus::pass);
}

// Each verifying AMS says what its own h= leaves unsigned: the first hop signed one Subject and
// did not oversign it, a Subject was added on top, and the second hop signed both.
TEST_F(ArcRoundTrip, UnsignedDuplicatesArePerSet) {
  SealOptions a = hop_a();
  a.headers = {"from", "to", "subject", "date", "message-id"};
  std::string one = seal(kMessage, a, "spf=pass smtp.mailfrom=origin.example");
  SealOptions b = hop_b();
  b.headers = {"from", "subject", "subject"};
  std::string two = seal("Subject: added\r\n" + one, b, "arc=pass");
  ArcResult r = verify(two);
  EXPECT_EQ(r.status, ChainStatus::pass) << r.reason;
  ASSERT_EQ(r.sets.size(), 2u);
  EXPECT_EQ(r.sets[0].unsigned_duplicates, "2 Subject fields, 1 signed");
  EXPECT_EQ(r.sets[1].unsigned_duplicates, "");
  EXPECT_EQ(r.unsigned_duplicates, "");  // the newest set's

  // The other way round: the newest AMS leaves a copy unsigned, the older one signs no Subject.
  SealOptions a2 = hop_a();
  a2.headers = {"from", "to"};
  std::string first = seal("Subject: added\r\n" + std::string(kMessage), a2, "spf=pass");
  SealOptions b2 = hop_b();
  b2.headers = {"from", "subject"};
  r = verify(seal(first, b2, "arc=pass"));
  EXPECT_EQ(r.status, ChainStatus::pass) << r.reason;
  ASSERT_EQ(r.sets.size(), 2u);
  EXPECT_EQ(r.sets[1].unsigned_duplicates, "2 Subject fields, 1 signed");
  EXPECT_EQ(r.unsigned_duplicates, "2 Subject fields, 1 signed");

  // Without oldest-pass the older AMS is not checked, so nothing is said of it.
  asio::io_context io;
  VerifyOptions newest_only;
  newest_only.compute_oldest_pass = false;
  r = dns::run_sync(io, verify_arc(two, zone_, newest_only));
  EXPECT_EQ(r.status, ChainStatus::pass) << r.reason;
  EXPECT_FALSE(r.sets[0].ams_valid.has_value());
  EXPECT_EQ(r.sets[0].unsigned_duplicates, "");
}

// An AMS whose x= comes before its t= is refused (RFC 6376 3.5, which ARC inherits), though it
// has not expired yet and its signature verifies.
TEST_F(ArcRoundTrip, AmsWithExpiryBeforeItsTimestampFails) {
  constexpr std::int64_t kNow = 1795000000;
  SealOptions a = hop_a();
  a.timestamp = kNow + 100;
  auto verify_at_now = [&](const std::string& message) {
    asio::io_context io;
    VerifyOptions options;
    options.now = kNow;
    return dns::run_sync(io, verify_arc(message, zone_, options));
  };
  const std::string whole = testing::seal_with_body_length(kMessage, a, 15);
  ASSERT_FALSE(whole.empty());
  EXPECT_EQ(verify_at_now(whole).status, ChainStatus::pass);
  const std::string backwards = testing::seal_with_body_length(
      kMessage, a, 15, {"from", "to", "subject"}, "; x=" + std::to_string(kNow + 50));
  ASSERT_FALSE(backwards.empty());
  ArcResult r = verify_at_now(backwards);
  EXPECT_EQ(r.status, ChainStatus::fail);
  EXPECT_NE(r.reason.find("AMS i=1 has x= before t="), std::string::npos) << r.reason;
}

// An AMS with l= verifies over the first l= octets of the body; each set says how much of the
// body it leaves unsigned, as dkim verify does for a DKIM signature.
TEST_F(ArcRoundTrip, BodyLeftUnsignedByLIsReportedPerSet) {
  SealOptions a = hop_a();
  a.auth_results = "dmarc=pass header.from=origin.example";
  const std::string whole = testing::seal_with_body_length(kMessage, a, 15);  // "Hello, world."
  ASSERT_FALSE(whole.empty());
  ArcResult r = verify(whole);
  EXPECT_EQ(r.status, ChainStatus::pass) << r.reason;
  ASSERT_EQ(r.sets.size(), 1u);
  EXPECT_EQ(r.sets[0].unsigned_body, "");

  const std::string appended = whole + "Log in at https://bank-verify.example/ now.\r\n";
  r = verify(appended);
  EXPECT_EQ(r.status, ChainStatus::pass) << r.reason;
  EXPECT_EQ(r.sets[0].unsigned_body, "l= leaves 45 of 60 body bytes unsigned");

  // A second hop without l= over it: the older set still says what it leaves out.
  const std::string two = seal(appended, hop_b(), "arc=pass");
  r = verify(two);
  EXPECT_EQ(r.status, ChainStatus::pass) << r.reason;
  ASSERT_EQ(r.sets.size(), 2u);
  EXPECT_EQ(r.sets[0].unsigned_body, "l= leaves 45 of 60 body bytes unsigned");
  EXPECT_EQ(r.sets[1].unsigned_body, "");
}

// Made-up chains of 50 sets, each AMS with its own key domain: at most kMaxCheckedAms AMSs,
// the newest, are checked, so the body is hashed for at most that many l= values and only
// their keys are looked up, beside the 50 seal keys. Before, 100 lookups of names the sender
// chose and, with as many l= values, 50 hashers over the body; with one l= for all, the cap on
// hashers alone still let 100 lookups through.
TEST_F(ArcRoundTrip, AmsChecksAndKeyLookupsAreBoundedWhateverTheChain) {
  for (const bool same_length : {false, true}) {
    std::string chain;
    for (int i = 50; i >= 1; --i) {
      const std::string n = std::to_string(i);
      chain += "ARC-Seal: i=" + n + "; a=rsa-sha256; cv=" + (i == 1 ? "none" : "pass") + "; d=s" +
               n + ".example; s=s; b=AAAA\r\n";
      chain += "ARC-Message-Signature: i=" + n + "; a=rsa-sha256; c=relaxed/relaxed; d=m" + n +
               ".example; s=s; h=from; l=" + (same_length ? "4" : n) + "; bh=AAAA; b=AAAA\r\n";
      chain += "ARC-Authentication-Results: i=" + n + "; x.example; none\r\n";
    }
    zone_.clear_query_log();
    ArcResult r = verify(chain + kMessage);
    EXPECT_EQ(r.status, ChainStatus::fail);
    std::set<std::string> ams_names, seal_names;
    for (const auto& [name, type] : zone_.query_log()) {
      (name.starts_with("s._domainkey.m") ? ams_names : seal_names).insert(name);
    }
    EXPECT_EQ(seal_names.size(), 50u);
    EXPECT_EQ(ams_names.size(), kMaxCheckedAms) << same_length;
    EXPECT_TRUE(ams_names.contains("s._domainkey.m50.example"));
    EXPECT_TRUE(ams_names.contains("s._domainkey.m35.example"));
    EXPECT_FALSE(ams_names.contains("s._domainkey.m34.example"));
  }
}

// A real chain of 17 hops, every AMS verifying: the oldest is beyond the AMSs checked, so it is
// reported unchecked (not failed), and oldest-pass names the oldest one checked.
TEST_F(ArcRoundTrip, AnAmsBeyondTheOnesCheckedIsUncheckedNotFailed) {
  std::string message = seal(kMessage, hop_a(), "spf=pass smtp.mailfrom=origin.example");
  for (int hop = 2; hop <= 17; ++hop) {
    SealOptions o = hop % 2 == 0 ? hop_b() : hop_a();
    o.authserv_id = "mx" + std::to_string(hop) + ".example";  // each hop its own A-R
    message = seal(message, o, "arc=pass");
  }
  ArcResult r = verify(message);
  EXPECT_EQ(r.status, ChainStatus::pass) << r.reason;
  ASSERT_EQ(r.sets.size(), 17u);
  EXPECT_EQ(r.oldest_pass, 2);
  EXPECT_FALSE(r.sets[0].ams_valid.has_value());
  EXPECT_EQ(r.sets[0].ams_reason, "not checked: only the newest 16 ARC-Message-Signatures are");
  for (std::size_t k = 1; k < 17; ++k) EXPECT_EQ(r.sets[k].ams_valid, true) << k;
  EXPECT_EQ(r.sets[0].seal_valid, true);
}

TEST_F(ArcRoundTrip, BodyLengthBeyondTheBodyFails) {
  std::string message =
      "ARC-Seal: i=1; a=rsa-sha256; cv=none; d=a.example; s=rsa; b=AAAA\r\n"
      "ARC-Message-Signature: i=1; a=rsa-sha256; c=relaxed/relaxed; d=a.example; s=rsa;\r\n"
      " h=from; l=1000; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=AAAA\r\n"
      "ARC-Authentication-Results: i=1; mx.a.example; none\r\n" +
      kMessage;
  ArcResult r = verify(message);
  EXPECT_EQ(r.status, ChainStatus::fail);
  EXPECT_NE(r.reason.find("l=1000 exceeds the body"), std::string::npos) << r.reason;
}

}  // namespace
}  // namespace senderauth::arc
