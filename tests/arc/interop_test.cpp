// Interoperability of ARC (RFC 8617) with the implementations Debian ships, offline:
//  - senderauth seals, dkimpy (python3-dkim's arc_verify, DNS through its dnsfunc) and
//    Mail::DKIM::ARC::Verifier (libmail-dkim-perl, DNS query replaced) validate;
//  - dkimpy (arc_sign) and Mail::DKIM::ARC::Signer seal, senderauth validates;
//  - chains whose hops alternate between the sealers validate everywhere;
// and a copy whose body changed after the last hop fails everywhere. RSA only: neither peer
// knows ed25519-sha256 for ARC. A peer that is not installed is skipped (a failure under CI).
#include <gtest/gtest.h>

#include <asio/io_context.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "senderauth/arc/sealer.hpp"
#include "senderauth/arc/verifier.hpp"
#include "senderauth/core/base64.hpp"
#include "senderauth/dkim/key_record.hpp"
#include "senderauth/dns/run_sync.hpp"
#include "senderauth/dns/zone_resolver.hpp"
#include "support/conformance.hpp"
#include "support/line_ends.hpp"
#include "support/peer.hpp"
#include "support/scratch_dir.hpp"

namespace senderauth::arc {
namespace {

namespace fs = std::filesystem;
using testing::command_succeeds;
using testing::kDkimpyDnsHook;
using testing::kMailDkimDnsHook;
using testing::kPython;
using testing::run_shell;
using testing::to_crlf;
using testing::to_lf;

constexpr std::int64_t kSealedAt = 1795429500;

// dkimpy validator (after kDkimpyDnsHook): argv = dns-file message...; prints the chain
// result per message.
constexpr std::string_view kDkimpyVerify = R"PY(
import dkim
for path in sys.argv[2:]:
    cv, results, reason = dkim.arc_verify(open(path, 'rb').read(), dnsfunc=dnsfunc)
    print(cv.decode())
)PY";

// Mail::DKIM::ARC::Signer: argv = key selector domain authserv-id timestamp in out; the cv
// comes from the arc= result of that authserv-id's Authentication-Results ("none" without).
constexpr std::string_view kMailDkimSeal = R"PL(
use strict; use warnings;
use Mail::DKIM::ARC::Signer; use Mail::DKIM::TextWrap;
my ($key, $selector, $domain, $srv_id, $timestamp, $src, $dst) = @ARGV;
my $s = Mail::DKIM::ARC::Signer->new(Algorithm => 'rsa-sha256', Domain => $domain,
                                     Selector => $selector, SrvId => $srv_id, KeyFile => $key,
                                     Chain => 'ar', Timestamp => $timestamp);
open(my $m, '<', $src) or die; binmode $m;
my $data = '';
while (<$m>) { $data .= $_; $s->PRINT($_); }
$s->CLOSE;
die 'Mail::DKIM added no ARC set: ' . $s->result . "\n" unless $s->result eq 'sealed';
open(my $o, '>', $dst) or die; binmode $o;
print $o join("\r\n", $s->as_strings), "\r\n", $data;
)PL";

// Mail::DKIM::ARC::Verifier (after kMailDkimDnsHook): argv = dns-file message...
constexpr std::string_view kMailDkimVerify = R"PL(
use Mail::DKIM::ARC::Verifier;
for my $path (@ARGV) {
  open(my $m, '<', $path) or die; binmode $m;
  my $v = Mail::DKIM::ARC::Verifier->new();
  while (<$m>) { s/\r?\n\z/\r\n/; $v->PRINT($_); }
  $v->CLOSE;
  print $v->result, "\n";
}
)PL";

// A list post as an MTA receives it: folded fields, a body with odd spacing. Its many signed
// fields make a long h=, so that the AMS's i= starts a continuation line.
// Two DKIM-Signature fields (never checked here): the AMS covers each (RFC 8617 4.1.2), so
// h= names dkim-signature twice and the peers must count the fields the same way.
const std::string kMessage =
    "Received: from mail.origin.example by mx.a.example;\r\n"
    "\tMon, 23 Nov 2026 09:00:02 +0000\r\n"
    "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=origin.example; s=k2;\r\n"
    " h=from:to:subject; bh=AAAA; b=BBBB\r\n"
    "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=origin.example; s=k1;\r\n"
    " h=from:subject; bh=CCCC; b=DDDD\r\n"
    "From: Alice Example <alice@origin.example>\r\n"
    "To: Discussion <list@lists.a.example>,\r\n  Bob <bob@c.example>\r\n"
    "Subject: Re: the  plan\r\n"
    "Date: Mon, 23 Nov 2026 09:00:00 +0000\r\n"
    "Message-ID: <plan-2@origin.example>\r\n"
    "In-Reply-To: <plan-1@c.example>\r\n"
    "References: <plan-0@origin.example>\r\n <plan-1@c.example>\r\n"
    "List-Id: Discussion <list.lists.a.example>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "\r\n"
    "Sounds good.  Let us meet   at ten.\r\n"
    "\r\n"
    "-- \r\n"
    "Alice\r\n";

// The message with a word of its body changed.
std::string altered(std::string m) {
  auto at = m.find("ten.");
  m.replace(at, 3, "two");
  return m;
}

// Hop a.example seals with senderauth, c.example with dkimpy, d.example with Mail::DKIM; all
// use the demo RSA key.
struct Peers {
  std::shared_ptr<testing::ScratchDir> scratch;
  fs::path dir, dns, key_pem;
  dkim::PrivateKey key;
  dns::ZoneResolver zone;
};

Peers& peers() {
  static Peers p = [] {
    Peers p;
    p.scratch = std::make_shared<testing::ScratchDir>("senderauth-arc-interop");
    p.dir = p.scratch->path();
    p.key_pem = fs::path(SENDERAUTH_SOURCE_DIR) / "demo/keys/demo-rsa.example.test.pem";
    p.key = dkim::PrivateKey::from_pem(testing::read_file_bytes(p.key_pem)).value();
    const std::string record = dkim::format_key_record(dkim::KeyType::rsa, p.key.public_key_der());
    std::string dns;
    for (const std::string name :
         {"arc._domainkey.a.example", "py._domainkey.c.example", "md._domainkey.d.example"}) {
      p.zone.add_txt(name, dkim::split_txt_strings(record));
      dns += name + " " + record + "\n";
    }
    p.dns = p.scratch->write("dns.txt", dns);
    p.scratch->write("dkimpy_verify.py", std::string(kDkimpyDnsHook) + std::string(kDkimpyVerify));
    p.scratch->write("dkimpy_seal.py", std::string(testing::kDkimpyArcSeal));
    p.scratch->write("maildkim_seal.pl", std::string(kMailDkimSeal));
    p.scratch->write("maildkim_verify.pl",
                     std::string(kMailDkimDnsHook) + std::string(kMailDkimVerify));
    return p;
  }();
  return p;
}

bool have_mail_dkim_arc() {
  static bool ok = command_succeeds("perl -MMail::DKIM::ARC::Verifier -MNet::DNS -e 1");
  return ok;
}

std::string dkimpy_verify(const std::string& message, const std::string& name) {
  const std::string path = peers().scratch->write(name, message);
  return run_shell(std::string(kPython) + " " + (peers().dir / "dkimpy_verify.py").string() + " " +
                   peers().dns.string() + " " + path);
}

std::string mail_dkim_verify(const std::string& message, const std::string& name) {
  const std::string path = peers().scratch->write(name, message);
  return run_shell("perl " + (peers().dir / "maildkim_verify.pl").string() + " " +
                   peers().dns.string() + " " + path);
}

ArcResult senderauth_verify(const std::string& message) {
  asio::io_context io;
  VerifyOptions options;
  options.now = kSealedAt + 60;
  return dns::run_sync(io, verify_arc(message, peers().zone, options));
}

// This hop's Authentication-Results on top, then sealed by senderauth as a.example.
std::string senderauth_seal(const std::string& message, const std::string& results) {
  const bool lf = message.find("\r\n") == std::string::npos;
  std::string received = "Authentication-Results: mx.a.example; " + results + "\r\n";
  received = (lf ? to_lf(received) : received) + message;
  SealOptions o;
  o.domain = "a.example";
  o.selector = "arc";
  o.authserv_id = "mx.a.example";
  o.key = peers().key;
  o.timestamp = kSealedAt;
  auto sealed = seal_message(received, o);
  if (!sealed || !sealed->sealed) {
    ADD_FAILURE() << (sealed ? sealed->reason : sealed.reason());
    return received;
  }
  return (lf ? to_lf(sealed->fields()) : sealed->fields()) + received;
}

enum class Sealer { dkimpy, mail_dkim };

// The same by a peer: dkimpy as c.example, Mail::DKIM as d.example. LF-only text is sealed as
// CRLF and then stored with LF again (as a mailbox keeps it): dkimpy's own LF mode writes seals
// that neither dkimpy nor Mail::DKIM validate (checked by hand with python3-dkim 1.1.4).
std::string peer_seal(Sealer sealer, const std::string& message, const std::string& results,
                      const std::string& name) {
  const bool lf = message.find("\r\n") == std::string::npos;
  const std::string domain = sealer == Sealer::dkimpy ? "c.example" : "d.example";
  const std::string received =
      "Authentication-Results: mx." + domain + "; " + results + "\r\n" + to_crlf(message);
  const std::string in = peers().scratch->write(name + "-in.eml", received);
  const fs::path out = peers().dir / (name + "-sealed.eml");
  const std::string program = sealer == Sealer::dkimpy
                                  ? std::string(kPython) + " " +
                                        (peers().dir / "dkimpy_seal.py").string() + " " +
                                        peers().key_pem.string() + " py"
                                  : "perl " + (peers().dir / "maildkim_seal.pl").string() + " " +
                                        peers().key_pem.string() + " md";
  const std::string said = run_shell(program + " " + domain + " mx." + domain + " " +
                                     std::to_string(kSealedAt) + " " + in + " " + out.string());
  EXPECT_EQ(said, "");
  const std::string sealed = testing::read_file_bytes(out);
  return lf ? to_lf(sealed) : sealed;
}

class ArcInterop : public ::testing::TestWithParam<bool> {  // true: LF-only text
 protected:
  std::string message() const { return GetParam() ? to_lf(kMessage) : kMessage; }
  std::string name(const std::string& what) const {
    return what + (GetParam() ? "-lf.eml" : "-crlf.eml");
  }
};

TEST_P(ArcInterop, SenderauthSealsPeersValidate) {
  SENDERAUTH_NEED_PEER(testing::have_dkimpy_arc(), "python3-dkim and python3-authres");
  SENDERAUTH_NEED_PEER(have_mail_dkim_arc(), "libmail-dkim-perl");
  const std::string one = senderauth_seal(message(), "spf=pass smtp.mailfrom=origin.example");
  EXPECT_EQ(dkimpy_verify(one, name("sa1")), "pass\n") << one;
  EXPECT_EQ(mail_dkim_verify(one, name("sa1")), "pass\n") << one;
  // A second hop of ours: the validators must find the AMS and seal of i=2 as well.
  const std::string two = senderauth_seal(one, "arc=pass");
  EXPECT_EQ(dkimpy_verify(two, name("sa2")), "pass\n") << two;
  EXPECT_EQ(mail_dkim_verify(two, name("sa2")), "pass\n") << two;
  EXPECT_EQ(senderauth_verify(two).status, ChainStatus::pass);

  EXPECT_EQ(dkimpy_verify(altered(two), name("sa2-altered")), "fail\n");
  EXPECT_EQ(mail_dkim_verify(altered(two), name("sa2-altered")), "fail\n");
}

TEST_P(ArcInterop, DkimpySealsSenderauthValidates) {
  SENDERAUTH_NEED_PEER(testing::have_dkimpy_arc(), "python3-dkim and python3-authres");
  const std::string one =
      peer_seal(Sealer::dkimpy, message(), "spf=pass smtp.mailfrom=origin.example", name("py1"));
  ArcResult r = senderauth_verify(one);
  EXPECT_EQ(r.status, ChainStatus::pass) << r.reason << "\n" << one;
  EXPECT_EQ(r.instances, 1);
  ASSERT_EQ(r.sets.size(), 1u);
  EXPECT_EQ(r.sets[0].seal_domain, "c.example");
  EXPECT_EQ(r.sets[0].authserv_id, "mx.c.example");

  r = senderauth_verify(altered(one));
  EXPECT_EQ(r.status, ChainStatus::fail);
  EXPECT_NE(r.reason.find("body hash did not verify"), std::string::npos) << r.reason;
}

TEST_P(ArcInterop, MailDkimSealsSenderauthValidates) {
  SENDERAUTH_NEED_PEER(have_mail_dkim_arc(), "libmail-dkim-perl");
  const std::string one =
      peer_seal(Sealer::mail_dkim, message(), "spf=pass smtp.mailfrom=origin.example", name("md1"));
  ArcResult r = senderauth_verify(one);
  EXPECT_EQ(r.status, ChainStatus::pass) << r.reason << "\n" << one;
  ASSERT_EQ(r.sets.size(), 1u);
  EXPECT_EQ(r.sets[0].seal_domain, "d.example");
  EXPECT_EQ(senderauth_verify(altered(one)).status, ChainStatus::fail);
}

TEST_P(ArcInterop, ChainsOfSeveralSealersValidateEverywhere) {
  SENDERAUTH_NEED_PEER(testing::have_dkimpy_arc(), "python3-dkim and python3-authres");
  SENDERAUTH_NEED_PEER(have_mail_dkim_arc(), "libmail-dkim-perl");
  const std::string first = "spf=pass smtp.mailfrom=origin.example";
  const std::vector<std::pair<std::string, std::string>> chains = {
      {"dkimpy-then-senderauth",
       senderauth_seal(peer_seal(Sealer::dkimpy, message(), first, name("py-first")), "arc=pass")},
      {"senderauth-then-dkimpy",
       peer_seal(Sealer::dkimpy, senderauth_seal(message(), first), "arc=pass", name("sa-first"))},
      // Three sealers in turn: a list's Mail::DKIM, a forwarder's dkimpy, then us.
      {"mail-dkim-dkimpy-senderauth",
       senderauth_seal(peer_seal(Sealer::dkimpy,
                                 peer_seal(Sealer::mail_dkim, message(), first, name("md-first")),
                                 "arc=pass", name("md-py")),
                       "arc=pass")},
  };
  for (const auto& [what, chain] : chains) {
    SCOPED_TRACE(what);
    const ArcResult r = senderauth_verify(chain);
    EXPECT_EQ(r.status, ChainStatus::pass) << r.reason << "\n" << chain;
    EXPECT_EQ(r.instances, what == "mail-dkim-dkimpy-senderauth" ? 3 : 2);
    EXPECT_EQ(r.oldest_pass, 0);
    EXPECT_EQ(dkimpy_verify(chain, name(what)), "pass\n") << chain;
    EXPECT_EQ(mail_dkim_verify(chain, name(what)), "pass\n") << chain;
    EXPECT_EQ(senderauth_verify(altered(chain)).status, ChainStatus::fail);
    EXPECT_EQ(dkimpy_verify(altered(chain), name(what + "-altered")), "fail\n");
  }
}

INSTANTIATE_TEST_SUITE_P(LineEnds, ArcInterop, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return std::string(info.param ? "lf" : "crlf");
                         });

}  // namespace
}  // namespace senderauth::arc
