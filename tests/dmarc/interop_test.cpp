// DMARC (RFC 7489, organisational domain from a public suffix list) next to Mail::DMARC
// (libmail-dmarc-perl, the implementation behind SpamAssassin's DMARC plugin): the same
// records, served by a real DNS server (nsd) to Mail::DMARC and held in memory for us, the same
// SPF and DKIM results, and the same list of public suffixes. For every case both must give the
// same result (pass, fail, none) and the same disposition (none, quarantine, reject).
//
// Mail::DMARC has no default "*" rule: a top-level domain is a public suffix only when the list
// names it. The list given to both therefore names "test", as the real list names "com".
#include <gtest/gtest.h>

#include <asio/io_context.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "senderauth/dmarc/evaluator.hpp"
#include "senderauth/dmarc/public_suffix_list.hpp"
#include "senderauth/dns/run_sync.hpp"
#include "senderauth/dns/zone_resolver.hpp"
#include "support/conformance.hpp"
#include "support/nsd_server.hpp"
#include "support/peer.hpp"
#include "support/scratch_dir.hpp"

namespace senderauth::dmarc {
namespace {

// The zone "test": each author domain exists (an A record), as Mail::DMARC requires before it
// applies any policy.
const std::string kZone = R"(
example.test.          IN A   192.0.2.1
sub.example.test.      IN A   192.0.2.1
deep.sub.example.test. IN A   192.0.2.1
_dmarc.example.test.   IN TXT "v=DMARC1; p=reject; sp=quarantine; adkim=s; aspf=r"
relaxed.test.          IN A   192.0.2.1
sub.relaxed.test.      IN A   192.0.2.1
_dmarc.relaxed.test.   IN TXT "v=DMARC1; p=quarantine"
own.relaxed.test.      IN A   192.0.2.1
_dmarc.own.relaxed.test. IN TXT "v=DMARC1; p=none"
monitor.test.          IN A   192.0.2.1
_dmarc.monitor.test.   IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@monitor.test"
strict.test.           IN A   192.0.2.1
sub.strict.test.       IN A   192.0.2.1
_dmarc.strict.test.    IN TXT "v=DMARC1; p=reject; adkim=s; aspf=s"
twice.test.            IN A   192.0.2.1
_dmarc.twice.test.     IN TXT "v=DMARC1; p=reject"
_dmarc.twice.test.     IN TXT "v=DMARC1; p=none"
nothing.test.          IN A   192.0.2.1
pct0.test.             IN A   192.0.2.1
_dmarc.pct0.test.      IN TXT "v=DMARC1; p=reject; pct=0"
pct100.test.           IN A   192.0.2.1
_dmarc.pct100.test.    IN TXT "v=DMARC1; p=quarantine; pct=100"
quarantine0.test.      IN A   192.0.2.1
_dmarc.quarantine0.test. IN TXT "v=DMARC1; p=quarantine; pct=0"
badp.test.             IN A   192.0.2.1
_dmarc.badp.test.      IN TXT "v=DMARC1; p=bogus; rua=mailto:dmarc@badp.test"
badp-norua.test.       IN A   192.0.2.1
_dmarc.badp-norua.test. IN TXT "v=DMARC1; p=bogus"
other.test.            IN A   192.0.2.1
)";

// Mail::DMARC: reads "from spf-domain spf-result dkim-domain dkim-result" lines (a "-" leaves
// the identity out) on standard input, asks 127.0.0.1 at the port in argv[1], and prints
// "result disposition" per line.
constexpr std::string_view kMailDmarc = R"PL(
use strict; use warnings;
use Mail::DMARC::PurePerl; use Net::DNS;
my $port = shift @ARGV;
while (my $line = <STDIN>) {
  chomp $line;
  my ($from, $spf_dom, $spf_res, $dkim_dom, $dkim_res) = split / /, $line;
  my $dmarc = Mail::DMARC::PurePerl->new;
  $dmarc->set_resolver(Net::DNS::Resolver->new(nameservers => ['127.0.0.1'], port => $port,
                                               recurse => 0, udp_timeout => 3, tcp_timeout => 3));
  $dmarc->source_ip('192.0.2.25');
  $dmarc->envelope_to('receiver.test');
  $dmarc->header_from($from);
  $dmarc->spf($spf_dom eq '-' ? [] : { domain => $spf_dom, scope => 'mfrom', result => $spf_res });
  $dmarc->dkim($dkim_dom eq '-' ? [] : [{ domain => $dkim_dom, selector => 's', result => $dkim_res }]);
  my $r = $dmarc->validate();
  print $r->result, ' ', $r->disposition, "\n";
}
)PL";

struct Case {
  std::string from, spf_domain, spf_result, dkim_domain, dkim_result;
  // Where the two differ on purpose: what we give, what Mail::DMARC gives, and why.
  std::string ours = {}, peer = {}, why = {};
};

const std::vector<Case> kCases = {
    // example.test: p=reject, sp=quarantine, strict DKIM, relaxed SPF.
    {"example.test", "example.test", "pass", "-", "-"},
    {"example.test", "sub.example.test", "pass", "-", "-"},  // relaxed SPF aligns
    {"example.test", "-", "-", "sub.example.test", "pass"},  // strict DKIM does not
    {"example.test", "-", "-", "example.test", "pass"},
    {"example.test", "other.test", "pass", "other.test", "pass"},
    {"example.test", "example.test", "fail", "example.test", "fail"},
    {"sub.example.test", "other.test", "pass", "-", "-"},  // sp=quarantine applies
    {"deep.sub.example.test", "example.test", "pass", "-", "-"},
    {"deep.sub.example.test", "-", "-", "deep.sub.example.test", "pass"},
    {"deep.sub.example.test", "other.test", "fail", "-", "-"},
    // relaxed.test: p=quarantine, no sp, relaxed both; own.relaxed.test has its own p=none.
    {"relaxed.test", "sub.relaxed.test", "pass", "-", "-"},
    {"sub.relaxed.test", "-", "-", "relaxed.test", "pass"},
    {"sub.relaxed.test", "other.test", "pass", "other.test", "pass"},
    {"own.relaxed.test", "other.test", "pass", "-", "-"},
    {"own.relaxed.test", "-", "-", "relaxed.test", "pass"},
    // p=none, strict alignment, several records, no record.
    {"monitor.test", "other.test", "pass", "-", "-"},
    {"strict.test", "sub.strict.test", "pass", "sub.strict.test", "pass"},
    {"sub.strict.test", "sub.strict.test", "pass", "-", "-"},
    {"sub.strict.test", "strict.test", "pass", "strict.test", "pass"},
    // RFC 7489 6.6.3: with several records "DMARC processing is not applied to this message".
    // Mail::DMARC stops there too (no disposition) but leaves its default result, "fail".
    {"twice.test", "other.test", "pass", "-", "-", "none none", "fail none",
     "several records: DMARC is not applied (RFC 7489 6.6.3)"},
    {"nothing.test", "other.test", "pass", "-", "-"},
    // RFC 7489 pct: sampled out means one level lower; 0 and 100 leave no room for chance.
    {"pct0.test", "other.test", "pass", "-", "-"},
    {"pct100.test", "other.test", "pass", "-", "-"},
    {"quarantine0.test", "other.test", "pass", "-", "-"},
    // An invalid p=: with a valid rua, as if p=none (RFC 7489 6.6.3); without, no action, and
    // again Mail::DMARC leaves its default result.
    {"badp.test", "other.test", "pass", "-", "-"},
    {"badp-norua.test", "other.test", "pass", "-", "-", "none none", "fail none",
     "an invalid p= and no valid rua: no action (RFC 7489 6.6.3)"},
};

// The public suffix list both sides are given (see the top of the file).
constexpr std::string_view kPublicSuffixes = "// for the test\ntest\n";

// Mail::DMARC's "result disposition" for each case, with `zone` served by nsd and the list at
// `psl`; empty on failure (the output then explains).
std::vector<std::string> run_mail_dmarc(const testing::ScratchDir& dir, const std::string& psl,
                                        const std::string& zone, const std::vector<Case>& cases,
                                        std::string& output) {
  const std::string config =
      dir.write("mail-dmarc.ini", "[dns]\ntimeout = 3\npublic_suffix_list = " + psl +
                                      "\n[report_store]\nauto_save = 0\n");
  const std::string script = dir.write("dmarc.pl", std::string(kMailDmarc));
  std::string input;
  for (const Case& c : cases) {
    input += c.from + " " + c.spf_domain + " " + c.spf_result + " " + c.dkim_domain + " " +
             c.dkim_result + "\n";
  }
  const std::string input_path = dir.write("cases.txt", input);
  auto server = testing::NsdServer::start({{"test", "$TTL 300\n" + zone}});
  if (!server.ok()) {
    output = server.reason();
    return {};
  }
  output = testing::run_shell("MAIL_DMARC_CONFIG_FILE=" + config + " perl " + script + " " +
                              std::to_string(server.value()->port()) + " < " + input_path);
  std::istringstream lines(output);
  std::vector<std::string> theirs;
  for (std::string line; std::getline(lines, line);) theirs.push_back(line);
  return theirs;
}

// Our "result disposition" for a case, with the same records in memory and the same list.
std::string ours_for(dns::ZoneResolver& zone, const DmarcOptions& options, const Case& c,
                     std::string& reason) {
  DmarcInput in;
  in.from_domain = c.from;
  if (c.spf_domain != "-") in.spf = SpfIdentity{c.spf_domain, parse_auth_outcome(c.spf_result)};
  if (c.dkim_domain != "-") in.dkim.push_back({c.dkim_domain, parse_auth_outcome(c.dkim_result)});
  asio::io_context io;
  const DmarcResult ours = dns::run_sync(io, evaluate(zone, in, options));
  reason = ours.reason;
  return std::string(to_string(ours.status)) + " " + std::string(to_string(ours.disposition));
}

DmarcOptions psl_options(const std::string& psl) {
  auto list = PublicSuffixList::load(psl);
  EXPECT_TRUE(list.ok()) << list.reason();
  DmarcOptions options;
  options.discovery.method = OrgDomainMethod::public_suffix_list;
  if (list.ok()) options.discovery.psl = *list;
  return options;
}

#define SENDERAUTH_NEED_DMARC_PEERS()                                                    \
  do {                                                                                   \
    SENDERAUTH_NEED_PEER(testing::command_succeeds("perl -MMail::DMARC::PurePerl -e 1"), \
                         "libmail-dmarc-perl");                                          \
    if (!testing::NsdServer::available()) {                                              \
      if (testing::running_in_ci()) FAIL() << "nsd missing under CI";                    \
      GTEST_SKIP() << "nsd not installed";                                               \
    }                                                                                    \
  } while (false)

TEST(DmarcInterop, MailDmarcGivesTheSameResultsAndDispositions) {
  SENDERAUTH_NEED_DMARC_PEERS();
  testing::ScratchDir dir("senderauth-dmarc-interop");
  const std::string psl = dir.write("psl.dat", std::string(kPublicSuffixes));
  const DmarcOptions options = psl_options(psl);
  std::string peer;
  const std::vector<std::string> theirs = run_mail_dmarc(dir, psl, kZone, kCases, peer);
  ASSERT_EQ(theirs.size(), kCases.size()) << peer;

  dns::ZoneResolver zone;
  ASSERT_TRUE(zone.load_zone_text(kZone, "test").ok());
  for (std::size_t i = 0; i < kCases.size(); ++i) {
    const Case& c = kCases[i];
    SCOPED_TRACE(c.from + " spf " + c.spf_domain + "=" + c.spf_result + " dkim " + c.dkim_domain +
                 "=" + c.dkim_result);
    std::string reason;
    const std::string got = ours_for(zone, options, c, reason);
    if (c.ours.empty()) {
      EXPECT_EQ(got, theirs[i]) << reason;
    } else {
      EXPECT_EQ(got, c.ours) << c.why << ": " << reason;
      EXPECT_EQ(theirs[i], c.peer) << "Mail::DMARC changed its answer: " << c.why;
    }
  }
}

// Random records and identities (a fixed seed): 24 organisational domains rN.test, each with
// a subdomain and a deeper one, and a record drawn from p (the three policies), sp, adkim,
// aspf, pct (0 or 100: no chance involved), rua, and the spacing around the separators; or no
// record. 300 messages from any of those domains, with SPF and DKIM identities drawn from the
// author domain itself, its organisational domain, its subdomains, another domain or none, each
// passing or not. The two readings pinned above (several records, an invalid p= without rua)
// are not drawn.
TEST(DmarcInterop, MailDmarcAgreesOnRandomRecordsAndIdentities) {
  SENDERAUTH_NEED_DMARC_PEERS();
  std::mt19937 rng(20261124);
  auto pick = [&](const std::vector<std::string>& from) { return from[rng() % from.size()]; };
  std::string zone_text = "other.test. IN A 192.0.2.1\n";
  std::vector<std::string> orgs;
  for (int n = 0; n < 24; ++n) {
    const std::string org = "r" + std::to_string(n) + ".test";
    orgs.push_back(org);
    for (const std::string& name : {org, "sub." + org, "deep.sub." + org}) {
      zone_text += name + ". IN A 192.0.2.1\n";
    }
    if (rng() % 6 == 0) continue;  // no record
    const std::string sep = pick({";", "; ", " ; ", ";  "});
    std::string record = "v=DMARC1" + sep + "p=" + pick({"none", "quarantine", "reject"});
    if (rng() % 2) record += sep + "sp=" + pick({"none", "quarantine", "reject"});
    if (rng() % 2) record += sep + "adkim=" + pick({"r", "s"});
    if (rng() % 2) record += sep + "aspf=" + pick({"r", "s"});
    if (rng() % 3 == 0) record += sep + "pct=" + pick({"0", "100"});
    if (rng() % 3 == 0) record += sep + "rua=mailto:d@" + org;
    if (rng() % 4 == 0) record += sep;  // a trailing separator
    zone_text += "_dmarc." + org + ". IN TXT \"" + record + "\"\n";
  }
  std::vector<Case> cases;
  for (int n = 0; n < 300; ++n) {
    const std::string org = pick(orgs);
    const std::vector<std::string> related = {org, "sub." + org, "deep.sub." + org, "other.test"};
    Case c;
    c.from = pick({org, "sub." + org, "deep.sub." + org});
    c.spf_domain = rng() % 5 == 0 ? "-" : pick(related);
    c.spf_result =
        c.spf_domain == "-" ? "-" : pick({"pass", "pass", "fail", "softfail", "neutral"});
    c.dkim_domain = rng() % 4 == 0 ? "-" : pick(related);
    c.dkim_result = c.dkim_domain == "-" ? "-" : pick({"pass", "pass", "fail", "neutral"});
    cases.push_back(c);
  }

  testing::ScratchDir dir("senderauth-dmarc-random");
  const std::string psl = dir.write("psl.dat", std::string(kPublicSuffixes));
  const DmarcOptions options = psl_options(psl);
  std::string peer;
  const std::vector<std::string> theirs = run_mail_dmarc(dir, psl, zone_text, cases, peer);
  ASSERT_EQ(theirs.size(), cases.size()) << peer;
  dns::ZoneResolver zone;
  ASSERT_TRUE(zone.load_zone_text(zone_text, "test").ok());
  int agree = 0;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    std::string reason;
    const std::string got = ours_for(zone, options, c, reason);
    if (got == theirs[i]) {
      ++agree;
      continue;
    }
    const auto record_at =
        zone_text.find("_dmarc." + c.from.substr(c.from.rfind('.', c.from.size() - 6) + 1));
    ADD_FAILURE() << c.from << " spf " << c.spf_domain << "=" << c.spf_result << " dkim "
                  << c.dkim_domain << "=" << c.dkim_result << ": ours " << got << " (" << reason
                  << "), Mail::DMARC " << theirs[i] << "; "
                  << (record_at == std::string::npos
                          ? std::string("no record")
                          : zone_text.substr(record_at,
                                             zone_text.find('\n', record_at) - record_at));
  }
  EXPECT_EQ(agree, 300);
}

}  // namespace
}  // namespace senderauth::dmarc
