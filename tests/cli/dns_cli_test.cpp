// `senderauth dns` and `senderauth --version`, run as a user would.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "cli_runner.hpp"
#include "support/scratch_dir.hpp"

namespace senderauth::testing {
namespace {

const char* kZone = R"($ORIGIN example.test.
$TTL 300
@        IN TXT   "v=spf1 ip4:192.0.2.0/24 " "-all"
@        IN MX    10 mail
mail     IN A     192.0.2.25
mail     IN AAAA  2001:db8::25
alias    IN CNAME mail
odd      IN TXT   "quote\"d \200"
$ORIGIN 2.0.192.in-addr.arpa.
25       IN PTR   mail.example.test.
26       IN PTR   host.attacker.test\000.victim.test.
26       IN PTR   a\010b\\c.example.test.
)";

class DnsCli : public ::testing::Test {
 protected:
  void SetUp() override { zone_ = write("demo.zone", kZone); }

  std::string write(const std::string& name, const std::string& text) {
    return dir_.write(name, text);
  }

  senderauth::testing::ScratchDir dir_{"senderauth-dns-cli"};
  std::string zone_;
};

TEST(Cli, Version) {
  auto run = run_cli("--version");
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(run.out.rfind("senderauth ", 0), 0u) << run.out;
}

TEST(Cli, NoSubcommandIsAUsageError) {
  auto run = run_cli("");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_FALSE(run.err.empty());
}

TEST_F(DnsCli, TxtFromZoneFile) {
  auto run = run_cli("dns TXT example.test --zone " + zone_);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out,
            ";; example.test. TXT: ok (ttl 300, dnssec indeterminate)\n"
            "example.test.\t300\tIN\tTXT\t\"v=spf1 ip4:192.0.2.0/24 \" \"-all\"\n");
  EXPECT_EQ(run.err, "");
}

TEST_F(DnsCli, TypeAndNameAnyCase) {
  auto run = run_cli("dns mx EXAMPLE.Test. --zone " + zone_);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("example.test.\t300\tIN\tMX\t10 mail.example.test.\n"), std::string::npos)
      << run.out;
}

TEST_F(DnsCli, AddressPtrAndEscapedText) {
  auto aaaa = run_cli("dns AAAA mail.example.test --zone " + zone_);
  EXPECT_NE(aaaa.out.find("\tAAAA\t2001:db8::25\n"), std::string::npos) << aaaa.out;
  auto ptr = run_cli("dns PTR 25.2.0.192.in-addr.arpa --zone " + zone_);
  EXPECT_NE(ptr.out.find("\tPTR\tmail.example.test.\n"), std::string::npos) << ptr.out;
  auto odd = run_cli("dns TXT odd.example.test --zone " + zone_);
  EXPECT_NE(odd.out.find("\"quote\\\"d \\200\""), std::string::npos) << odd.out;
}

// Names are printed as dig prints them: a NUL or a LF inside a label must not cut the line or
// start a forged one; JSON carries the same form. A name asked is taken byte for byte.
TEST_F(DnsCli, NamesWithOddBytesArePrintedEscaped) {
  auto ptr = run_cli("dns PTR 26.2.0.192.in-addr.arpa --zone " + zone_);
  ASSERT_EQ(ptr.exit_code, 0) << ptr.err;
  EXPECT_EQ(ptr.out,
            ";; 26.2.0.192.in-addr.arpa. PTR: ok (ttl 300, dnssec indeterminate)\n"
            "26.2.0.192.in-addr.arpa.\t300\tIN\tPTR\thost.attacker.test\\000.victim.test.\n"
            "26.2.0.192.in-addr.arpa.\t300\tIN\tPTR\ta\\010b\\\\c.example.test.\n");
  auto json =
      nlohmann::json::parse(run_cli("dns PTR 26.2.0.192.in-addr.arpa --json --zone " + zone_).out);
  EXPECT_EQ(json["records"],
            nlohmann::json({"host.attacker.test\\000.victim.test", "a\\010b\\\\c.example.test"}));
  auto asked = run_cli("dns TXT 'ex\\097mple.test' --zone " + zone_);
  EXPECT_EQ(asked.out, ";; ex\\\\097mple.test. TXT: nxdomain (ttl 0, dnssec indeterminate)\n");
}

TEST_F(DnsCli, CnameChainShown) {
  auto run = run_cli("dns A alias.example.test --zone " + zone_);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out,
            ";; alias.example.test. A: ok (ttl 300, dnssec indeterminate)\n"
            "alias.example.test.\t300\tIN\tCNAME\tmail.example.test.\n"
            "mail.example.test.\t300\tIN\tA\t192.0.2.25\n");
}

TEST_F(DnsCli, NxdomainAndNodataAreAnswers) {
  auto nx = run_cli("dns TXT nothere.example.test --zone " + zone_);
  EXPECT_EQ(nx.exit_code, 0);
  EXPECT_EQ(nx.out, ";; nothere.example.test. TXT: nxdomain (ttl 0, dnssec indeterminate)\n");
  auto nodata = run_cli("dns TXT mail.example.test --zone " + zone_);
  EXPECT_EQ(nodata.exit_code, 0);
  EXPECT_NE(nodata.out.find("TXT: nodata"), std::string::npos);
}

TEST_F(DnsCli, Json) {
  auto run = run_cli("dns TXT example.test --json --zone " + zone_);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto doc = nlohmann::json::parse(run.out);
  EXPECT_EQ(doc["name"], "example.test");
  EXPECT_EQ(doc["type"], "TXT");
  EXPECT_EQ(doc["status"], "ok");
  EXPECT_EQ(doc["ttl"], 300);
  EXPECT_EQ(doc["dnssec"], "indeterminate");
  ASSERT_EQ(doc["records"].size(), 1u);
  EXPECT_EQ(doc["records"][0]["strings"], nlohmann::json({"v=spf1 ip4:192.0.2.0/24 ", "-all"}));
  EXPECT_EQ(doc["records"][0]["text"], "v=spf1 ip4:192.0.2.0/24 -all");
  EXPECT_EQ(doc["cname_chain"], nlohmann::json::array());
  EXPECT_TRUE(doc["error"].is_null());
}

TEST_F(DnsCli, JsonRecordShapes) {
  auto mx = nlohmann::json::parse(run_cli("dns MX example.test --json --zone " + zone_).out);
  EXPECT_EQ(mx["records"][0],
            nlohmann::json({{"preference", 10}, {"exchange", "mail.example.test"}}));
  auto a = nlohmann::json::parse(run_cli("dns A alias.example.test --json --zone " + zone_).out);
  EXPECT_EQ(a["records"], nlohmann::json({"192.0.2.25"}));
  EXPECT_EQ(a["cname_chain"], nlohmann::json({"mail.example.test"}));
  // Bytes that are not UTF-8 become U+FFFD in JSON.
  auto odd = nlohmann::json::parse(run_cli("dns TXT odd.example.test --json --zone " + zone_).out);
  EXPECT_EQ(odd["records"][0]["text"], "quote\"d \xEF\xBF\xBD");
}

TEST_F(DnsCli, LookupFailureExitsOne) {
  const auto yaml = write("timeout.yml", "slow.example.com:\n  - TIMEOUT\n");
  auto run = run_cli("dns TXT slow.example.com --json --zone " + yaml);
  EXPECT_EQ(run.exit_code, 1);
  auto doc = nlohmann::json::parse(run.out);
  EXPECT_EQ(doc["status"], "timeout");
  EXPECT_EQ(doc["error"], "injected timeout for slow.example.com");
  auto text = run_cli("dns TXT slow.example.com --zone " + yaml);
  EXPECT_EQ(text.exit_code, 1);
  EXPECT_EQ(text.out,
            ";; slow.example.com. TXT: timeout (ttl 0, dnssec indeterminate)\n"
            ";; error: injected timeout for slow.example.com\n");
}

TEST_F(DnsCli, DkimNameValueFile) {
  const auto dns = write("dns.txt", "sel._domainkey.example.com v=DKIM1; p=\n");
  auto run = run_cli("dns TXT sel._domainkey.example.com --zone " + dns);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("\"v=DKIM1; p=\""), std::string::npos) << run.out;
}

TEST_F(DnsCli, BadTypeIsAUsageError) {
  auto run = run_cli("dns BOGUS example.test --zone " + zone_);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err,
            "senderauth: unknown record type 'BOGUS' (A, AAAA, TXT, SPF, MX, PTR, CNAME, NS, SOA, "
            "CAA)\n");
}

// README: a malformed argument is exit 2 with one line on stderr; exit 1 means the lookup
// failed, which a name no server can be asked for never reached.
TEST_F(DnsCli, MalformedNameIsAUsageError) {
  const std::string long_label(64, 'a');
  std::string long_name;
  for (int i = 0; i < 4; ++i) long_name += std::string(63, 'b') + ".";
  const std::pair<std::string, std::string> cases[] = {
      {"a..b", "senderauth: NAME 'a..b' has an empty label\n"},
      {".a", "senderauth: NAME '.a' has an empty label\n"},
      {long_label + ".test",
       "senderauth: NAME '" + long_label + ".test' has a label longer than 63 octets\n"},
      {long_name + "test", "senderauth: NAME '" + long_name + "test' is longer than 253 octets\n"},
  };
  for (const auto& [name, err] : cases) {
    auto run = run_cli("dns TXT '" + name + "' --zone " + zone_);
    EXPECT_EQ(run.exit_code, 2) << name;
    EXPECT_EQ(run.out, "") << name;
    EXPECT_EQ(run.err, err) << name;
  }
  EXPECT_EQ(run_cli("dns TXT . --zone " + zone_).exit_code, 0);
  EXPECT_EQ(run_cli("dns TXT example.test. --zone " + zone_).exit_code, 0);
}

TEST_F(DnsCli, MissingZoneFile) {
  const auto missing = (dir_.path() / "absent.zone").string();
  auto run = run_cli("dns TXT example.test --zone " + missing);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err, "senderauth: " + missing + ": cannot open: No such file or directory\n");
}

TEST_F(DnsCli, BrokenZoneFileNamesTheLine) {
  const auto bad = write("bad.zone", "a.test. A 192.0.2.1\nb.test. A not-an-ip\n");
  auto run = run_cli("dns A a.test --zone " + bad);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err.rfind("senderauth: " + bad + ": line 2: A: ", 0), 0u) << run.err;
  EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1);
}

TEST_F(DnsCli, MissingArgumentsAndConflictingOptions) {
  EXPECT_EQ(run_cli("dns TXT").exit_code, 2);
  auto both = run_cli("dns TXT example.test --zone " + zone_ + " --server 127.0.0.1@53");
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_EQ(std::count(both.err.begin(), both.err.end(), '\n'), 1) << both.err;
  auto bad_server = run_cli("dns TXT example.test --server nowhere@53");
  EXPECT_EQ(bad_server.exit_code, 2);
  EXPECT_NE(bad_server.err.find("'nowhere' is not an IP address"), std::string::npos)
      << bad_server.err;
  auto bad_port = run_cli("dns TXT example.test --server 127.0.0.1@99999");
  EXPECT_EQ(bad_port.exit_code, 2);
  EXPECT_NE(bad_port.err.find("port '99999' is not 1-65535"), std::string::npos) << bad_port.err;
}

}  // namespace
}  // namespace senderauth::testing
