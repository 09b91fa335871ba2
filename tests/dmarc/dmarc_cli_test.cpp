// `senderauth dmarc record`, run as a user would. Skipped when the CLI has not been built (the
// dmarc_tests target does not build the whole CLI, which links every module).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace {

struct CliRun {
  int exit_code = -1;
  std::string out;
};

CliRun run_cli(const std::string& arguments) {
  CliRun run;
  const std::string command = std::string(SENDERAUTH_CLI_PATH) + " " + arguments + " 2>/dev/null";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) run.out.append(buffer, n);
  const int status = ::pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

class DmarcCli : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(SENDERAUTH_CLI_PATH)) {
      GTEST_SKIP() << SENDERAUTH_CLI_PATH << " not built";
    }
    zone_ = std::filesystem::temp_directory_path() /
            ("senderauth-dmarc-cli-" + std::to_string(::getpid()) + ".zone");
    std::ofstream(zone_) << "$ORIGIN example.test.\n$TTL 300\n"
                            "_dmarc IN TXT \"v=DMARC1; p=reject; sp=quarantine; pct=50; x=y\"\n"
                            "_dmarc.broken IN TXT \"v=DMARC1; p=none; p=reject\"\n"
                            "_dmarc.xn--bcher-kva IN TXT \"v=DMARC1; p=quarantine\"\n"
                            "_dmarc.lines IN TXT \"v=DMARC1; p=none; \\013\\010policies: "
                            "p=reject\"\n"
                            "_dmarc.ulines IN TXT \"v=DMARC1; p=none; \\226\\128\\168policies: "
                            "p=reject \\194\\155x \\195\\169\"\n";
  }
  void TearDown() override {
    if (!zone_.empty()) std::filesystem::remove(zone_);
  }
  std::filesystem::path zone_;
};

TEST_F(DmarcCli, RecordText) {
  const CliRun r = run_cli("dmarc record mail.example.test --zone " + zone_.string());
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("policy domain: example.test"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("policies:      p=reject sp=quarantine np=quarantine"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("ignored tag:   x"), std::string::npos) << r.out;
}

// A record is the domain's text: it shows as published, on its line, whatever it holds.
TEST_F(DmarcCli, RecordTextStaysOnItsLine) {
  const CliRun r = run_cli("dmarc record lines.example.test --zone " + zone_.string());
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("\nrecord:        v=DMARC1; p=none; ??policies: p=reject\n"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find('\r'), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("\npolicies: p=reject"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\npolicies:      p=none sp=none np=none\n"), std::string::npos) << r.out;

  // Unicode controls too (U+2028 is a line break to some readers, U+009B a terminal's CSI);
  // other UTF-8 shows as published.
  const CliRun u = run_cli("dmarc record ulines.example.test --zone " + zone_.string());
  EXPECT_EQ(u.exit_code, 0);
  EXPECT_NE(u.out.find("\nrecord:        v=DMARC1; p=none; ?policies: p=reject ?x \xc3\xa9\n"),
            std::string::npos)
      << u.out;
}

TEST_F(DmarcCli, RecordJson) {
  const CliRun r = run_cli("dmarc record Mail.Example.Test. --json --zone " + zone_.string());
  EXPECT_EQ(r.exit_code, 0);
  const auto doc = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << r.out;
  EXPECT_EQ(doc["domain"], "mail.example.test");
  EXPECT_EQ(doc["status"], "found");
  EXPECT_EQ(doc["org_domain"], "example.test");
  EXPECT_EQ(doc["record"]["pct"], 50);
  EXPECT_EQ(doc["queries"].size(), 3u);
}

// A domain given in U-labels is looked up as its A-labels (RFC 8616), as `check` does.
TEST_F(DmarcCli, InternationalisedDomainIsLookedUpAsALabels) {
  const CliRun r = run_cli(
      "dmarc record 'B\xc3\xbc"
      "cher.example.test' --json --zone " +
      zone_.string());
  EXPECT_EQ(r.exit_code, 0) << r.out;
  const auto doc = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << r.out;
  EXPECT_EQ(doc["domain"], "xn--bcher-kva.example.test");
  EXPECT_EQ(doc["policy_domain"], "xn--bcher-kva.example.test");
  const CliRun bad = run_cli("dmarc record '\xe2\x98\x83.example.test' --zone " + zone_.string());
  EXPECT_EQ(bad.exit_code, 2);  // a usage error: U+2603 is not allowed by IDNA2008
  EXPECT_TRUE(bad.out.empty()) << bad.out;
}

TEST_F(DmarcCli, NoneBrokenAndUsage) {
  EXPECT_EQ(run_cli("dmarc record nothing.example --zone " + zone_.string()).exit_code, 1);
  const CliRun broken = run_cli("dmarc record broken.example.test --json --zone " + zone_.string());
  EXPECT_EQ(broken.exit_code, 1);
  EXPECT_NE(broken.out.find("\"permerror\""), std::string::npos) << broken.out;
  EXPECT_EQ(run_cli("dmarc record bad..name --zone " + zone_.string()).exit_code, 2);
  EXPECT_EQ(run_cli("dmarc").exit_code, 2);
}

}  // namespace
