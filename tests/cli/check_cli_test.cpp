// `senderauth check` on the bundled demo data, run as an administrator would.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "cli_runner.hpp"
#include "support/scratch_dir.hpp"

namespace senderauth::testing {
namespace {

const std::string kDemo = std::string(SENDERAUTH_SOURCE_DIR) + "/demo";
const std::string kZone = " --zone '" + kDemo + "/zone/demo.zone'";
// The demo signatures were made at t=1795423758 and carry no x=; a fixed clock keeps runs equal.
const std::string kCommon = " --authserv-id mx.example.net --now 1795430000" + kZone;
const std::string kGoodEnvelope =
    " --ip 192.0.2.25 --helo mail.example.test --mail-from alice@example.test"
    " --rcpt bob@example.net";
const std::string kSpoofEnvelope =
    " --ip 203.0.113.66 --helo mx.attacker.example --mail-from bounce@attacker.example";

std::string message(const std::string& name) {
  return " '" + kDemo + "/messages/" + name + "'";
}

nlohmann::json json_of(const CliRun& run) {
  EXPECT_EQ(run.exit_code, 0) << run.err;
  return nlohmann::json::parse(run.out);
}

TEST(CheckCli, AllPassPrintsHeadersAndAccept) {
  const CliRun run = run_cli("check" + kCommon + kGoodEnvelope + message("1-all-pass.eml"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out.rfind("Authentication-Results: mx.example.net;", 0), 0u) << run.out;
  EXPECT_NE(run.out.find("iprev=pass"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("spf=pass (matched mx) smtp.mailfrom=alice@example.test"),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("header.s=demo-ed"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("header.s=demo-rsa"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("dmarc=pass"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("\nReceived-SPF: pass "), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("\nverdict: accept\n"), std::string::npos) << run.out;
}

// The README's trusted-forwarder example, run twice: the relay example.test checks
// 3-body-altered.eml (its DKIM body hash is broken) and seals it with its results; the final hop
// trusts example.test. When the relay recorded dmarc=pass the override applies; when it
// recorded dmarc=fail (it got the message from a spoofer) it is refused and the JSON says why.
std::string relayed(const ScratchDir& dir, const std::string& envelope) {
  const CliRun relay = run_cli("check --authserv-id relay.example.test --now 1795430000" + kZone +
                               envelope + message("3-body-altered.eml"));
  EXPECT_EQ(relay.exit_code, 0) << relay.err;
  std::ifstream in(kDemo + "/messages/3-body-altered.eml", std::ios::binary);
  const std::string original((std::istreambuf_iterator<char>(in)), {});
  const std::filesystem::path received = dir.path() / "received.eml";
  std::ofstream(received, std::ios::binary)
      << relay.out.substr(0, relay.out.find("\nReceived-SPF:") + 1) << original;
  const CliRun seal = run_cli("arc seal --key '" + kDemo +
                              "/keys/demo-ed.example.test.pem' --domain example.test"
                              " --selector demo-ed --authserv-id relay.example.test"
                              " --timestamp 1795429500 --in '" +
                              received.string() + "'");
  EXPECT_EQ(seal.exit_code, 0) << seal.err;  // the ARC set, then the message unchanged
  return " '" + dir.write("forwarded.eml", seal.out) + "'";
}

TEST(CheckCli, TrustedForwarderOverrideAppliesOrSaysWhyNot) {
  const ScratchDir dir("senderauth-check-trusted-sealer");
  // As in README: the last hop is mx.example.org, and mx.example.net hands it the message.
  const std::string last_hop =
      " --authserv-id mx.example.org --now 1795430000" + kZone +
      " --ip 198.51.100.25 --helo mx.example.net"
      " --mail-from alice@example.test --trusted-sealer example.test --json";
  auto j = json_of(run_cli("check" + last_hop + relayed(dir, kGoodEnvelope)));
  EXPECT_EQ(j["dmarc"]["result"], "fail");
  EXPECT_EQ(j["action"], "accept");
  EXPECT_EQ(j["arc_override"]["trusted_sealer"], "example.test");
  EXPECT_TRUE(j["arc_override_refused"].is_null());
  j = json_of(run_cli("check" + last_hop + relayed(dir, kSpoofEnvelope)));
  EXPECT_EQ(j["arc"]["result"], "pass");
  EXPECT_EQ(j["action"], "reject");
  EXPECT_TRUE(j["arc_override"].is_null());
  EXPECT_EQ(j["arc_override_refused"]["trusted_sealer"], "example.test");
  EXPECT_EQ(j["arc_override_refused"]["comment"],
            "sealed by trusted forwarder example.test, but it recorded dmarc=fail for "
            "example.test");
}

TEST(CheckCli, SpoofedFromIsRejectedWithSmtpReply) {
  const auto j =
      json_of(run_cli("check --json" + kCommon + kSpoofEnvelope + message("2-spoofed-from.eml")));
  EXPECT_EQ(j["action"], "reject");
  EXPECT_EQ(j["reply"]["code"], "550");
  EXPECT_EQ(j["reply"]["enhanced"], "5.7.1");
  EXPECT_EQ(j["dmarc"]["result"], "fail");
  EXPECT_EQ(j["dmarc"]["policy"], "reject");
  EXPECT_EQ(j["dmarc"]["from_domain"], "example.test");
  // SPF passes for the attacker's own domain; it just does not align with From:.
  EXPECT_EQ(j["spf"]["mailfrom"]["result"], "pass");
  EXPECT_EQ(j["spf"]["mailfrom"]["domain"], "attacker.example");
  EXPECT_FALSE(j["dmarc"]["spf_aligned"].get<bool>());
  EXPECT_TRUE(j["dkim"].empty());
  EXPECT_EQ(j["skipped"], false);
  const std::string ar = j["headers"]["authentication_results"];
  EXPECT_NE(ar.find("dkim=none"), std::string::npos) << ar;
  EXPECT_NE(ar.find("dmarc=fail"), std::string::npos) << ar;
}

TEST(CheckCli, BodyAlteredPassesDmarcThroughAlignedSpf) {
  const auto j =
      json_of(run_cli("check --json" + kCommon + kGoodEnvelope + message("3-body-altered.eml")));
  ASSERT_EQ(j["dkim"].size(), 1u);
  EXPECT_EQ(j["dkim"][0]["result"], "fail");
  EXPECT_EQ(j["dkim"][0]["reason"], "body hash did not verify");
  EXPECT_EQ(j["dmarc"]["result"], "pass");
  EXPECT_TRUE(j["dmarc"]["spf_aligned"].get<bool>());
  EXPECT_FALSE(j["dmarc"]["dkim_aligned"].get<bool>());
  EXPECT_EQ(j["action"], "accept");
}

TEST(CheckCli, HiddenSecondAuthorIsRejected) {
  const auto j =
      json_of(run_cli("check --json" + kCommon + kSpoofEnvelope + message("4-hidden-author.eml")));
  EXPECT_EQ(j["action"], "reject");
  EXPECT_EQ(j["dmarc"]["from_problem"], "several_authors");
  EXPECT_EQ(j["dmarc"]["reason"], "2 From fields, where one is allowed");
  EXPECT_EQ(j["reply"]["code"], "550");
}

TEST(CheckCli, ReplayedSignatureWithAnAddedSubjectIsRejected) {
  const std::string replayed = message("5-replayed-subject.eml");
  auto j = json_of(run_cli("check --json" + kCommon + kSpoofEnvelope + replayed));
  EXPECT_EQ(j["action"], "reject");
  ASSERT_EQ(j["dkim"].size(), 1u);
  EXPECT_EQ(j["dkim"][0]["result"], "policy");
  EXPECT_EQ(j["dkim"][0]["reason"],
            "verified, but 2 Subject fields, 1 signed: readers may show an unsigned copy "
            "(RFC 6376 8.15)");
  EXPECT_EQ(j["dmarc"]["result"], "fail");
  // A site that accepts such copies: the signature passes, aligned, and so does DMARC.
  j = json_of(
      run_cli("check --json --accept-unsigned-duplicates" + kCommon + kSpoofEnvelope + replayed));
  EXPECT_EQ(j["dkim"][0]["result"], "pass");
  EXPECT_EQ(j["dkim"][0]["reason"], "2048-bit rsa key; 2 Subject fields, 1 signed");
  EXPECT_EQ(j["dmarc"]["result"], "pass");
  EXPECT_EQ(j["action"], "accept");
}

TEST(CheckCli, ObserveOnlyReportsButAccepts) {
  const auto j = json_of(run_cli("check --json --observe-only" + kCommon + kSpoofEnvelope +
                                 message("2-spoofed-from.eml")));
  EXPECT_EQ(j["dmarc"]["result"], "fail");
  EXPECT_EQ(j["action"], "accept");
}

TEST(CheckCli, TrustedNetworkSkipsEveryCheck) {
  const auto j = json_of(run_cli("check --json --trusted-network 203.0.113.0/24" + kCommon +
                                 kSpoofEnvelope + message("2-spoofed-from.eml")));
  EXPECT_EQ(j["skipped"], true);
  EXPECT_EQ(j["action"], "accept");
  // Written as Postfix's mynetworks writes IPv4 networks: the same network.
  const auto mapped = json_of(run_cli("check --json --trusted-network ::ffff:203.0.113.0/120" +
                                      kCommon + kSpoofEnvelope + message("2-spoofed-from.eml")));
  EXPECT_EQ(mapped["skipped"], true);
}

// A --trusted-network that cannot be read is a usage error, not a network left out: a typo
// would have the relay's mail checked as if it came from outside.
TEST(CheckCli, BadTrustedNetworkIsAUsageError) {
  for (const char* network : {"192.0.2.0/33", "not-a-net", "2001:db8::/129"}) {
    const CliRun run = run_cli(std::string("check --trusted-network ") + network + kCommon +
                               kGoodEnvelope + message("1-all-pass.eml"));
    EXPECT_EQ(run.exit_code, 2) << network;
    EXPECT_NE(run.err.find("--trusted-network"), std::string::npos) << run.err;
    EXPECT_TRUE(run.out.empty()) << run.out;
  }
}

TEST(CheckCli, HeloNamingThisHostIsALoop) {
  const auto j =
      json_of(run_cli("check --json --our-name mx.example.net" + kCommon +
                      " --ip 192.0.2.25 --helo mx.example.net --mail-from alice@example.test" +
                      message("1-all-pass.eml")));
  EXPECT_EQ(j["action"], "reject");
  EXPECT_TRUE(j["helo"]["loop"].get<bool>());
}

TEST(CheckCli, HeloLiteralOfOurAddressIsALoopAnyOtherLiteralIsNot) {
  const std::string ours = "check --json --our-address 192.0.2.1" + kCommon +
                           " --ip 192.0.2.25 --mail-from alice@example.test" +
                           message("1-all-pass.eml");
  EXPECT_EQ(json_of(run_cli(ours + " --helo '[192.0.2.1]'"))["action"], "reject");
  const auto other = json_of(run_cli(ours + " --helo '[192.0.2.25]'"));
  EXPECT_EQ(other["action"], "accept");
  EXPECT_FALSE(other["helo"]["loop"].get<bool>());
  EXPECT_EQ(run_cli(ours + " --helo x.example --our-address bogus").exit_code, 2);
}

// README: "Results, Received-SPF and Authentication-Results name the A-labels". A HELO in
// U-labels on an ASCII message: smtp.helo and helo= give the A-labels SPF checked, never '?'.
TEST(CheckCli, HeloInULabelsIsWrittenAsALabels) {
  const auto j = json_of(run_cli("check --json" + kCommon +
                                 " --ip 192.0.2.25 --helo 'mx.b\xc3\xbc"
                                 "cher.example.test'"
                                 " --mail-from alice@example.test" +
                                 message("1-all-pass.eml")));
  EXPECT_EQ(j["spf"]["helo"]["domain"], "mx.xn--bcher-kva.example.test");
  const std::string ar = j["headers"]["authentication_results"];
  EXPECT_NE(ar.find("smtp.helo=mx.xn--bcher-kva.example.test"), std::string::npos) << ar;
  const std::string received_spf = j["headers"]["received_spf"];
  EXPECT_NE(received_spf.find("helo=mx.xn--bcher-kva.example.test;"), std::string::npos)
      << received_spf;
  EXPECT_EQ((ar + received_spf).find('?'), std::string::npos) << ar << received_spf;
}

TEST(CheckCli, SpfFailRejectsOnlyWithTheOption) {
  // The attacker's address sending as alice@example.test: SPF fail (-all). DMARC is ignored
  // for the domain here, so only the SPF rule can reject.
  const std::string base = "check --json --dmarc-ignore example.test" + kCommon +
                           " --ip 203.0.113.66 --helo mx.attacker.example"
                           " --mail-from alice@example.test" +
                           message("2-spoofed-from.eml");
  const auto plain = json_of(run_cli(base));
  EXPECT_EQ(plain["spf"]["mailfrom"]["result"], "fail");
  EXPECT_TRUE(plain["dmarc"].is_null());
  EXPECT_EQ(plain["action"], "accept");
  const auto strict = json_of(run_cli(base + " --reject-spf-fail"));
  EXPECT_EQ(strict["action"], "reject");
  EXPECT_EQ(strict["reply"]["enhanced"], "5.7.23");
  // Observing DMARC does not switch the SPF rule off.
  const auto observe = json_of(
      run_cli("check --json --observe-only --reject-spf-fail" + kCommon +
              " --ip 203.0.113.66 --helo mx.attacker.example --mail-from alice@example.test" +
              message("2-spoofed-from.eml")));
  EXPECT_EQ(observe["dmarc"]["result"], "fail");
  EXPECT_EQ(observe["action"], "reject");
  EXPECT_EQ(observe["reply"]["enhanced"], "5.7.23");
}

// An SPF record "mx -all" whose MX hosts have only IPv6 addresses, for an IPv4 client: fail by
// our void-lookup count, permerror by pyspf's (--spf-count-mx-host-voids).
TEST(CheckCli, SpfCountsMxHostVoidsOnlyWhenAsked) {
  const ScratchDir dir("senderauth-check-mx-voids");
  const std::string zone = dir.write("v6mx.zone",
                                     "v6mx.example. 300 IN TXT \"v=spf1 mx -all\"\n"
                                     "v6mx.example. 300 IN MX 10 mx1.v6mx.example.\n"
                                     "v6mx.example. 300 IN MX 20 mx2.v6mx.example.\n"
                                     "v6mx.example. 300 IN MX 30 mx3.v6mx.example.\n"
                                     "mx1.v6mx.example. 300 IN AAAA 2001:db8::1\n"
                                     "mx2.v6mx.example. 300 IN AAAA 2001:db8::2\n"
                                     "mx3.v6mx.example. 300 IN AAAA 2001:db8::3\n");
  const std::string msg = dir.write("m.eml", "From: a@v6mx.example\r\nSubject: x\r\n\r\nhi\r\n");
  const std::string base = "check --json --authserv-id mx.example.net --zone '" + zone +
                           "' --ip 192.0.2.9 --helo h.example --mail-from a@v6mx.example '" + msg +
                           "'";
  EXPECT_EQ(json_of(run_cli(base))["spf"]["mailfrom"]["result"], "fail");
  const auto counted = json_of(run_cli(base + " --spf-count-mx-host-voids"));
  EXPECT_EQ(counted["spf"]["mailfrom"]["result"], "permerror");
  EXPECT_EQ(counted["spf"]["mailfrom"]["problem"],
            "more than 2 void DNS lookups, the last for A of mx3.v6mx.example");
}

TEST(CheckCli, PublicSuffixListDiscoveryAndBadListPath) {
  const std::string psl = "/usr/share/publicsuffix/public_suffix_list.dat";
  const auto j = json_of(run_cli("check --json --psl " + psl + kCommon + kSpoofEnvelope +
                                 message("2-spoofed-from.eml")));
  EXPECT_EQ(j["dmarc"]["result"], "fail");
  EXPECT_EQ(j["dmarc"]["org_domain"], "example.test");
  EXPECT_EQ(j["action"], "reject");
  const CliRun bad = run_cli("check --psl /nonexistent.dat" + kCommon + kSpoofEnvelope +
                             message("2-spoofed-from.eml"));
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--psl"), std::string::npos) << bad.err;
  // A file that is no list (here a message) would make co.uk an organisational domain:
  // refused, not a fail-open.
  const CliRun not_a_list = run_cli("check --psl" + message("1-all-pass.eml") + kCommon +
                                    kSpoofEnvelope + message("2-spoofed-from.eml"));
  EXPECT_EQ(not_a_list.exit_code, 2);
  EXPECT_NE(not_a_list.err.find("not a public suffix list"), std::string::npos) << not_a_list.err;
}

TEST(CheckCli, DnsFailureTempfailsOnlyWithTheOption) {
  // A loopback port nobody answers on: every lookup fails, DMARC is temperror.
  const std::string base =
      "check --json --server 127.0.0.1@9 --dns-timeout 300 --authserv-id mx.example.net"
      " --now 1795430000" +
      kGoodEnvelope + message("1-all-pass.eml");
  const auto plain = json_of(run_cli(base));
  EXPECT_EQ(plain["dmarc"]["result"], "temperror");
  EXPECT_EQ(plain["action"], "accept");
  const auto strict = json_of(run_cli(base + " --tempfail-on-dmarc-temperror"));
  EXPECT_EQ(strict["action"], "tempfail");
  EXPECT_EQ(strict["reply"]["code"], "451");
}

TEST(CheckCli, RepeatableOptionsTakeOneValueEach) {
  // The message file after a --rcpt stays the message, whatever comes next.
  const CliRun run = run_cli("check" + kCommon +
                             " --ip 192.0.2.25 --helo mail.example.test --rcpt a@example.net"
                             " --rcpt b@example.net" +
                             message("1-all-pass.eml") + " --mail-from alice@example.test --json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(nlohmann::json::parse(run.out)["action"], "accept");
}

class CheckCliFiles : public ::testing::Test {
 protected:
  std::string write(const std::string& name, const std::string& text) {
    return dir_.write(name, text);
  }
  senderauth::testing::ScratchDir dir_{"senderauth-check-cli"};
};

TEST_F(CheckCliFiles, ForgedAuthenticationResultsAreListed) {
  std::ifstream in(kDemo + "/messages/2-spoofed-from.eml", std::ios::binary);
  std::stringstream original;
  original << in.rdbuf();
  const std::string path =
      write("forged.eml",
            "Authentication-Results: mx.example.net; dmarc=pass header.from=example.test\r\n" +
                original.str());
  const auto j = json_of(run_cli("check --json" + kCommon + kSpoofEnvelope + " '" + path + "'"));
  ASSERT_EQ(j["forged_authres_fields"].size(), 1u) << j.dump();
  EXPECT_EQ(j["action"], "reject");
}

// An --auth-user sender is not checked but is no trusted MTA (RFC 8601 5): a field with our
// authserv-id in its message is still reported. A trusted network's client is a trusted MTA.
TEST_F(CheckCliFiles, AuthenticatedSenderForgedFieldsAreListed) {
  const std::string path =
      write("auth-forged.eml",
            "Authentication-Results: mx.example.net; dmarc=pass header.from=example.test\r\n"
            "From: alice@example.test\r\nSubject: hi\r\n\r\nbody\r\n");
  const std::string base = "check" + kCommon + kSpoofEnvelope + " '" + path + "'";
  const CliRun text = run_cli(base + " --auth-user carol");
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(
      text.out.find("\nforged Authentication-Results field #1 (our authserv-id): remove it\n"),
      std::string::npos)
      << text.out;
  auto j = json_of(run_cli(base + " --auth-user carol --json"));
  EXPECT_EQ(j["skipped"], true);
  EXPECT_EQ(j["forged_authres_fields"], nlohmann::json::parse("[0]")) << j.dump();
  j = json_of(run_cli(base + " --auth-user carol --trusted-network 203.0.113.0/24 --json"));
  EXPECT_EQ(j["skipped"], true);
  EXPECT_TRUE(j["forged_authres_fields"].empty()) << j.dump();
}

// "#N" and the JSON indexes count the Authentication-Results fields only, as an MTA removing
// the N-th field of that name does; fields of other names before and between them do not count.
TEST_F(CheckCliFiles, ForgedFieldNumbersCountAuthenticationResultsFieldsOnly) {
  const std::string path = write("forged-between.eml",
                                 "Received: from x by y; Mon, 1 Jan 2024 00:00:00 +0000\r\n"
                                 "Authentication-Results: other.example; spf=pass\r\n"
                                 "Authentication-Results: mx.example.net; dkim=pass\r\n"
                                 "From: alice@example.test\r\n"
                                 "Authentication-Results: MX.example.net; dmarc=pass\r\n"
                                 "Subject: hi\r\n\r\nbody\r\n");
  const std::string args = "check" + kCommon + kGoodEnvelope + " '" + path + "'";
  const CliRun text = run_cli(args);
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("\nforged Authentication-Results field #2 (our authserv-id): remove it\n"
                          "forged Authentication-Results field #3 (our authserv-id): remove it\n"),
            std::string::npos)
      << text.out;
  const auto j = json_of(run_cli(args + " --json"));
  EXPECT_EQ(j["forged_authres_fields"], nlohmann::json::parse("[1, 2]")) << j.dump();
}

std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Every line of `text` (ending in `line_end`) within RFC 5322's 998 octets (2.1.1).
void expect_lines_within_998(const std::string& text, const std::string& line_end) {
  for (std::size_t start = 0, end = 0; start < text.size(); start = end + line_end.size()) {
    end = text.find(line_end, start);
    if (end == std::string::npos) end = text.size();
    EXPECT_LE(end - start, 998u) << text.substr(start, 120);
  }
}

// The longest values the network can give, of the characters quoting doubles ('"' and '\\'):
// a 500-octet MAIL FROM local part (it made a 1032-octet envelope-from= line), a HELO, a
// permerror naming a 720-octet term. No line of either field passes 998 octets.
TEST_F(CheckCliFiles, NoHeaderLineOver998Octets) {
  std::string strings;  // master-file form: 120 '"\\' a string
  for (int k = 0; k < 120; ++k) strings += "\\\"\\\\";
  const std::string zone = write("long.zone", "$ORIGIN example.test.\n@ 300 IN TXT \"v=spf1 \" \"" +
                                                  strings + "\" \"" + strings + "\" \"" + strings +
                                                  "\"\n_dmarc 300 IN TXT \"v=DMARC1; p=reject\"\n");
  const std::string path = write("m.eml", "From: a@example.test\r\nSubject: x\r\n\r\nbody\r\n");
  std::string pairs;
  for (int k = 0; k < 300; ++k) pairs += "\"\\";
  const std::string args = "check --authserv-id mx.example.net --zone '" + zone +
                           "' --ip 192.0.2.99 --helo " + shell_quote("h" + pairs) +
                           " --mail-from " + shell_quote(std::string(500, '"') + "@example.test") +
                           " '" + path + "'";
  const CliRun text = run_cli(args);
  ASSERT_EQ(text.exit_code, 0) << text.err;
  ASSERT_NE(text.out.find("\nReceived-SPF: permerror ("), std::string::npos) << text.out;
  EXPECT_NE(text.out.find(" envelope-from=\"\\\"\\\""), std::string::npos) << text.out;
  EXPECT_NE(text.out.find(" problem=\""), std::string::npos) << text.out;
  expect_lines_within_998(text.out, "\n");
  const auto j = json_of(run_cli(args + " --json"));
  expect_lines_within_998(j["headers"]["authentication_results"], "\r\n");
  expect_lines_within_998(j["headers"]["received_spf"], "\r\n");
}

// A forged field of ours behind a bare CR in another field (which Python's email package reads
// as a field of its own) is reported by the field that holds it: its name and its number among
// the fields of that name, 1-based in the text, 0-based in the JSON.
// Names a sender picks that cannot exist in the DNS are not found, not DNS failures. `_dmarc.`
// before an author domain of 247 octets or more is such a name: the walk goes on up to
// example.test's p=reject (it was temperror, so accepted). A DKIM signature claiming
// d=example.test with a selector too long for a key name has no key: permerror, and the spoof
// is rejected (it was temperror, so tempfailed).
TEST_F(CheckCliFiles, NamesTooLongForTheDnsAreNotFound) {
  const std::string label(60, 'a');
  for (const std::string& author :
       {label + "." + label + "." + label + "." + std::string(51, 'b') + ".example.test",
        label + "." + label + "." + label + "." + std::string(57, 'b') + ".example.test"}) {
    ASSERT_TRUE(author.size() == 247 || author.size() == 253) << author.size();
    const std::string path =
        write("long.eml",
              "From: ceo@" + author + "\r\nTo: bob@example.net\r\nSubject: hi\r\n\r\nbody\r\n");
    const auto j = json_of(run_cli("check --json" + kCommon + kSpoofEnvelope + " '" + path + "'"));
    EXPECT_EQ(j["dmarc"]["result"], "fail") << j.dump();
    EXPECT_EQ(j["action"], "reject") << j.dump();
  }
  const std::string signature =
      "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.test;\r\n s=" + label + "." +
      label + "." + label + "." + label +
      ";\r\n h=from:to:subject; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=AAAA\r\n";
  const std::string path =
      write("selector.eml", signature +
                                "From: ceo@example.test\r\nTo: "
                                "bob@example.net\r\nSubject: hi\r\n\r\nbody\r\n");
  const auto j = json_of(run_cli("check --json" + kCommon + kSpoofEnvelope + " '" + path + "'"));
  ASSERT_EQ(j["dkim"].size(), 1u) << j.dump();
  EXPECT_EQ(j["dkim"][0]["result"], "permerror") << j.dump();
  EXPECT_EQ(j["dmarc"]["result"], "fail") << j.dump();
  EXPECT_EQ(j["action"], "reject") << j.dump();
}

// An incoming Authentication-Results field that names our authserv-id in U-labels is ours to
// a reader that converts it, so it is a forgery like one in A-labels.
TEST_F(CheckCliFiles, ForgedFieldWithOurIdInULabelsIsListed) {
  std::ifstream in(kDemo + "/messages/2-spoofed-from.eml", std::ios::binary);
  std::stringstream original;
  original << in.rdbuf();
  const std::string path = write("forged-u.eml",
                                 "Authentication-Results: mx.b\xc3\xbc"
                                 "cher.example; dmarc=pass header.from=example.test\r\n" +
                                     original.str());
  const auto j =
      json_of(run_cli("check --json --authserv-id mx.xn--bcher-kva.example"
                      " --now 1795430000" +
                      kZone + kSpoofEnvelope + " '" + path + "'"));
  EXPECT_EQ(j["forged_authres_fields"], nlohmann::json::parse("[0]")) << j.dump();
}

TEST_F(CheckCliFiles, ForgedFieldBehindABareCrIsReported) {
  const std::string path =
      write("bare-cr.eml",
            "From: alice@example.test\r\nX-Foo: 1\r\n"
            "X-Foo: a\rAuthentication-Results: mx.example.net; dkim=pass header.d=example.test;"
            " dmarc=pass header.from=example.test\r\nSubject: hi\r\n\r\nbody\r\n");
  const std::string args = "check" + kCommon + kGoodEnvelope + " '" + path + "'";
  const CliRun text = run_cli(args);
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("\nforged Authentication-Results field (our authserv-id) hidden after a "
                          "bare CR in X-Foo field #2: remove that field\n"),
            std::string::npos)
      << text.out;
  const auto j = json_of(run_cli(args + " --json"));
  EXPECT_EQ(j["hidden_authres_fields"], nlohmann::json::parse(R"([{"index": 1, "name": "X-Foo"}])"))
      << j.dump();
  EXPECT_TRUE(j["forged_authres_fields"].empty()) << j.dump();
}

// A message from PHP's mail() through an MTA that adds a CR before each LF: every line ends
// "\r\r\n", the empty line after the header section too. It was refused as an unreadable header
// ("header line without a colon: "), a legitimate sender's mail lost; it is judged as any other.
TEST_F(CheckCliFiles, EveryLineEndingInCrCrLfIsReadAsPostfixReadsIt) {
  std::ifstream in(kDemo + "/messages/1-all-pass.eml", std::ios::binary);
  std::stringstream original;
  original << in.rdbuf();
  std::string doubled;
  for (const char c : original.str()) {
    if (c == '\n') doubled += '\r';
    doubled += c;
  }
  ASSERT_NE(doubled.find("\r\r\n\r\r\n"), std::string::npos);
  // As received, and with a field added on top by the MTA, with an ordinary line end.
  for (const std::string& text :
       {doubled, "Received: from mail.example.test by mx.example.net\r\n" + doubled}) {
    const std::string path = write("php.eml", text);
    const auto j = json_of(run_cli("check --json" + kCommon + kGoodEnvelope + " '" + path + "'"));
    EXPECT_EQ(j["dmarc"]["result"], "pass") << j.dump();
    EXPECT_TRUE(j["dmarc"]["from_problem"].is_null()) << j.dump();
    EXPECT_EQ(j["action"], "accept") << j.dump();
  }
}

// --our-name is taken in U-labels as in A-labels, as the HELO is: the same name sent either
// way is a loop. A name that cannot be converted is a usage error, not a name nothing matches.
TEST(CheckCli, OurNameInULabelsIsComparedAsALabels) {
  const std::string base = "check --json" + kCommon +
                           " --ip 192.0.2.99 --mail-from alice@example.test"
                           " --our-name 'b\xc3\xbc"
                           "cher.example'" +
                           message("1-all-pass.eml");
  for (const std::string helo : {"b\xc3\xbc"
                                 "cher.example",
                                 "xn--bcher-kva.example"}) {
    const auto j = json_of(run_cli(base + " --helo '" + helo + "'"));
    EXPECT_EQ(j["action"], "reject") << helo;
    EXPECT_EQ(j["helo"]["loop"], true) << j.dump();
    EXPECT_EQ(j["reply"]["text"], "HELO/EHLO names this host") << j.dump();
  }
  const CliRun bad = run_cli("check" + kCommon + kGoodEnvelope +
                             " --our-name 'mx.b\xc3\xbc\xff.example'" + message("1-all-pass.eml"));
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.out, "");
  EXPECT_NE(bad.err.find("senderauth: --our-name: not a domain name in U-labels or A-labels: "),
            std::string::npos)
      << bad.err;
  // An ASCII name is held to the same rule: a typo or an address literal is refused, not kept
  // as a name no HELO matches. Case and a trailing dot do not matter.
  for (const std::string typo :
       {"mx..example.net", "[192.0.2.25]", "mx_1.example.net", "-mx.example"}) {
    const CliRun refused = run_cli("check" + kCommon + kGoodEnvelope + " --our-name '" + typo +
                                   "'" + message("1-all-pass.eml"));
    EXPECT_EQ(refused.exit_code, 2) << typo;
    EXPECT_NE(refused.err.find("senderauth: --our-name: not a host name"), std::string::npos)
        << refused.err;
  }
  const auto j = json_of(run_cli("check --json" + kCommon +
                                 " --ip 192.0.2.99 --mail-from alice@example.test"
                                 " --our-name Relay.Other.EXAMPLE. --helo relay.other.example" +
                                 message("1-all-pass.eml")));
  EXPECT_EQ(j["helo"]["loop"], true) << j.dump();
}

// Rule 2 of the README: a From field DMARC cannot judge is refused, and the JSON says why;
// the two options that relax it.
TEST_F(CheckCliFiles, UnusableAndSeveralFromAuthors) {
  const std::string two = write("two.eml",
                                "From: Alice <alice@example.test>, m@attacker.example\r\n"
                                "To: bob@example.net\r\n\r\nbody\r\n");
  const std::string broken =
      write("broken.eml", "From: alice@example.test.\r\nTo: bob@example.net\r\n\r\nbody\r\n");
  const std::string base = "check --json" + kCommon + kSpoofEnvelope + " '";

  auto j = json_of(run_cli(base + two + "'"));
  EXPECT_EQ(j["action"], "reject");
  EXPECT_EQ(j["dmarc"]["result"], "permerror");
  EXPECT_EQ(j["dmarc"]["from_problem"], "several_authors");
  EXPECT_EQ(j["reply"]["text"], "Message has several From authors; one is required");
  j = json_of(run_cli(base + two + "' --multiple-from-evaluate-each"));
  EXPECT_EQ(j["dmarc"]["result"], "fail");  // example.test's p=reject is the strictest
  EXPECT_TRUE(j["dmarc"]["from_problem"].is_null());
  EXPECT_EQ(j["action"], "reject");

  j = json_of(run_cli(base + broken + "'"));
  EXPECT_EQ(j["action"], "reject");
  EXPECT_EQ(j["dmarc"]["from_problem"], "unusable");
  EXPECT_EQ(j["reply"]["text"], "From header field is not RFC 5322 compliant");
  j = json_of(run_cli(base + broken + "' --accept-unusable-from"));
  EXPECT_EQ(j["action"], "accept");
  EXPECT_EQ(j["dmarc"]["from_problem"], "unusable");
}

TEST_F(CheckCliFiles, StdinIsReadWithDash) {
  const CliRun run =
      run_cli("check" + kCommon + kGoodEnvelope + " - < '" + kDemo + "/messages/1-all-pass.eml'");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("\nverdict: accept\n"), std::string::npos) << run.out;
}

TEST(CheckCli, UsageErrorsExitTwoWithOneLine) {
  const CliRun missing = run_cli("check --ip 192.0.2.25" + kZone + message("1-all-pass.eml"));
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("--helo"), std::string::npos) << missing.err;
  const CliRun bad_ip =
      run_cli("check --ip 999.1.1.1 --helo h.example" + kZone + message("1-all-pass.eml"));
  EXPECT_EQ(bad_ip.exit_code, 2);
  EXPECT_FALSE(bad_ip.err.empty());
  const CliRun unreadable =
      run_cli("check --ip 192.0.2.25 --helo h.example" + kZone + " /nonexistent/message.eml");
  EXPECT_EQ(unreadable.exit_code, 2);
  EXPECT_NE(unreadable.err.find("/nonexistent/message.eml"), std::string::npos) << unreadable.err;
  // A directory opens but cannot be read: an error, not an empty message.
  const ScratchDir dir("senderauth-check-dir");
  const CliRun directory =
      run_cli("check --ip 192.0.2.25 --helo h.example" + kZone + " '" + dir.path().string() + "'");
  EXPECT_EQ(directory.exit_code, 2);
  EXPECT_EQ(directory.err, "senderauth: " + dir.path().string() + ": Is a directory\n");
}

// "--mail-from=$SENDER" with the null sender: CLI11 took the next argument (the message) as
// the address. An empty "=" value is an empty value, for every option.
TEST(CheckCli, EmptyEqualsValueIsAnEmptyValue) {
  const auto j =
      json_of(run_cli("check --json --mail-from=" + kCommon +
                      " --ip 192.0.2.25 --helo mail.example.test" + message("1-all-pass.eml")));
  EXPECT_EQ(j["spf"]["mailfrom"]["sender"], "postmaster@mail.example.test");
  const auto given =
      json_of(run_cli("check --json --mail-from=alice@example.test" + kCommon +
                      " --ip 192.0.2.25 --helo mail.example.test" + message("1-all-pass.eml")));
  EXPECT_EQ(given["spf"]["mailfrom"]["sender"], "alice@example.test");
  // After "--" an argument is a file name, whatever it looks like.
  const CliRun after = run_cli("check" + kCommon + kGoodEnvelope + " -- --x=");
  EXPECT_EQ(after.exit_code, 2);
  EXPECT_NE(after.err.find("--x="), std::string::npos) << after.err;
}

// A --trusted-sealer entry must name a domain: "*." or "." alone (every subdomain of the root)
// trusted every sealer, an attacker sealing its own spoof included.
TEST(CheckCli, TrustedSealerMustBeADomainName) {
  const std::string rest = kCommon + kSpoofEnvelope + message("2-spoofed-from.eml");
  for (const std::string entry :
       {"'*.'", "'.'", "''", "'*'", "'lists..example.org'", "'lists example.org'"}) {
    const CliRun run =
        run_cli("check --trusted-sealer lists.example.org --trusted-sealer " + entry + rest);
    EXPECT_EQ(run.exit_code, 2) << entry << ": " << run.out;
    EXPECT_EQ(run.err.rfind("senderauth: --trusted-sealer: '", 0), 0u) << entry << ": " << run.err;
    EXPECT_EQ(run.err.find('\n'), run.err.size() - 1) << entry << ": " << run.err;
    EXPECT_TRUE(run.out.empty()) << entry << ": " << run.out;
  }
  EXPECT_EQ(run_cli("check --trusted-sealer '*.'" + rest).err,
            "senderauth: --trusted-sealer: '*.' names no domain after the wildcard: it would "
            "trust every sealer\n");
  for (const std::string entry :
       {"lists.example.org", "'*.example.org'", ".example.org", "Lists.Example.Org."}) {
    EXPECT_EQ(run_cli("check --trusted-sealer " + entry + rest).exit_code, 0) << entry;
  }
}

// A Unix time before 1970, or past what t= and x= can hold (12 digits, RFC 6376 3.5), is a
// malformed argument (usage error, with a message a person can read), not a clock to verify
// at or a t= to write, in every command that takes one. INT64_MAX as --now overflowed the
// future-timestamp check; an ARC seal with t=-1 failed its own verification.
TEST(CheckCli, NowAndTimestampOutsideWhatTEqualsHoldsAreUsageErrors) {
  const std::string msg = message("1-all-pass.eml");
  const std::string seal = "arc seal --key '" + kDemo +
                           "/keys/demo-ed.example.test.pem' --domain example.test --selector "
                           "demo-ed --authserv-id mx --results 'spf=pass' --in" +
                           msg;
  const std::string sign = "dkim sign --key '" + kDemo +
                           "/keys/demo-ed.example.test.pem' --domain example.test --selector "
                           "demo-ed --in" +
                           msg;
  for (const std::string value :
       {"-5", "9223372036854775807", "99999999999999999999", "1000000000000", "abc", "12e3"}) {
    for (const std::string& command :
         {"check" + kZone + kGoodEnvelope + " --now " + value + msg,
          "dkim verify" + kZone + " --now " + value + msg,
          "arc verify" + kZone + " --now " + value + msg, seal + " --timestamp " + value,
          sign + " --timestamp " + value}) {
      const CliRun run = run_cli(command);
      EXPECT_EQ(run.exit_code, 2) << command << ": " << run.out;
      EXPECT_NE(run.err.find("'" + value + "' is not a Unix time (seconds, 0 to 999999999999)"),
                std::string::npos)
          << command << ": " << run.err;
      EXPECT_LT(run.err.size(), 200u) << run.err;
    }
  }
  const CliRun largest = run_cli("dkim verify" + kZone + " --now 999999999999" + msg);
  EXPECT_EQ(largest.exit_code, 0) << largest.err;
}

// README: a malformed argument is a usage error, exit 2 and one line on stderr. The
// authserv-id goes into every field we add: anything but a token would break the field (a
// space) or add one of its own (CR LF), so it is refused, as is UTF-8 (give the A-labels).
TEST(CheckCli, AuthservIdMustBeAToken) {
  const std::string rest = " --now 1795430000" + kZone + kGoodEnvelope + message("1-all-pass.eml");
  for (const std::string id : {"'mx rcv'", "'mx.rcv.test\r\nX-Injected: yes'", "''", "'mx;rcv'",
                               "'mx.b\xc3\xbc"
                               "cher.test'",
                               "'(mx)'"}) {
    const CliRun run = run_cli("check --authserv-id " + id + rest);
    EXPECT_EQ(run.exit_code, 2) << id << ": " << run.out;
    EXPECT_EQ(run.err.rfind("senderauth: --authserv-id: not a token (RFC 8601 2.2; in practice a "
                            "host name): ",
                            0),
              0u)
        << id << ": " << run.err;
    EXPECT_EQ(run.err.find('\n'), run.err.size() - 1) << id << ": " << run.err;
    EXPECT_TRUE(run.out.empty()) << id << ": " << run.out;
  }
  EXPECT_EQ(run_cli("check --authserv-id mx.rcv.test" + rest).exit_code, 0);
}

// The SMTP AUTH name is the client's text (a line break inside the shell's quotes here): the
// text output's reason stays one line, so a
// reader of the output (or a log) never sees a second "verdict:" line.
TEST(CheckCli, AuthUserCannotAddAnOutputLine) {
  const CliRun run = run_cli("check --auth-user 'bob\nverdict: reject\r'" + kCommon +
                             kSpoofEnvelope + message("2-spoofed-from.eml"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("\nverdict: accept\nreason: checks skipped: sender authenticated as bob "
                         "verdict: reject\n"),
            std::string::npos)
      << run.out;
  EXPECT_EQ(run.out.find("\nverdict: reject"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find('\r'), std::string::npos) << run.out;
}

// `check` reads the message in 64 KiB chunks, as a milter receives it. A header section and a
// body each longer than a chunk, signed by `dkim sign` with the demo key, still verify: from a
// file and from standard input.
TEST(CheckCli, MessageLongerThanAChunkIsStreamed) {
  const ScratchDir dir("senderauth-check-big");
  std::string text;
  for (int i = 0; i < 600; ++i) {  // ~80 KB of header section
    text += "Received: from relay" + std::to_string(i) +
            ".example.net (relay.example.net [192.0.2.77])\r\n\tby mx.example.net with ESMTP id " +
            std::to_string(100000 + i) + "; Mon, 23 Nov 2026 10:00:00 +0000\r\n";
  }
  text += "From: Alice <alice@example.test>\r\nTo: bob@example.net\r\nSubject: big\r\n\r\n";
  for (int i = 0; i < 4000; ++i) {  // ~300 KB of body
    text += "Line " + std::to_string(i) + " of a long body, with  double  spaces \t and tabs.\r\n";
  }
  ASSERT_GT(text.find("\r\n\r\n"), 65536u);
  const CliRun signing = run_cli("dkim sign --key '" + kDemo +
                                 "/keys/demo-rsa.example.test.pem' --domain example.test"
                                 " --selector demo-rsa --in '" +
                                 dir.write("unsigned.eml", text) + "'");
  ASSERT_EQ(signing.exit_code, 0) << signing.err;
  const std::string signed_path = dir.write("signed.eml", signing.out);
  // No --now: the signature was made a moment ago.
  const std::string options = " --json --authserv-id mx.example.net" + kZone + kGoodEnvelope;
  for (const std::string& input : {"'" + signed_path + "'", "- < '" + signed_path + "'"}) {
    const auto j = json_of(run_cli("check" + options + " " + input));
    ASSERT_EQ(j["dkim"].size(), 1u) << input;
    EXPECT_EQ(j["dkim"][0]["result"], "pass") << j["dkim"][0]["reason"];
    EXPECT_EQ(j["dmarc"]["result"], "pass");
    EXPECT_TRUE(j["dmarc"]["dkim_aligned"].get<bool>());
  }
  // Altered after signing, in the body's last chunk: the body hash fails.
  std::string altered = signing.out;
  const std::size_t at = altered.find("Line 3999 ");
  ASSERT_NE(at, std::string::npos);
  altered.replace(at, 9, "Line 3998");
  const auto j =
      json_of(run_cli("check" + options + " '" + dir.write("altered.eml", altered) + "'"));
  ASSERT_EQ(j["dkim"].size(), 1u);
  EXPECT_EQ(j["dkim"][0]["result"], "fail");
  EXPECT_EQ(j["dkim"][0]["reason"], "body hash did not verify");
}

}  // namespace
}  // namespace senderauth::testing
