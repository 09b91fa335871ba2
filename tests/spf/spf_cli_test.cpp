// `senderauth spf`: runs the built binary (SENDERAUTH_CLI_PATH) on in-memory zones.
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
  int status = -1;
  std::string out;
};

CliRun run(const std::string& args) {
  CliRun r;
  std::string command = std::string(SENDERAUTH_CLI_PATH) + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return r;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) r.out.append(buffer, n);
  int status = pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

class SpfCli : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(SENDERAUTH_CLI_PATH)) GTEST_SKIP() << "CLI not built";
    dir = std::filesystem::temp_directory_path() /
          ("spf_cli_test_" + std::to_string(::getpid()) + "_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir);
    zone = (dir / "example.zone").string();
    std::ofstream(zone) << "$ORIGIN example.com.\n"
                           "@ 300 IN TXT \"v=spf1 ip4:192.0.2.0/24 a:mx.example.com "
                           "a:gone.example.com a:gone2.example.com -all\"\n"
                           "mx 300 IN A 198.51.100.1\n"
                           "mail 300 IN TXT \"v=spf1 a -all\"\n"
                           "mail 300 IN A 203.0.113.9\n";
  }
  void TearDown() override {
    if (!dir.empty()) std::filesystem::remove_all(dir);
  }
  std::string base(const std::string& ip) {
    return "spf --ip " + ip + " --helo mail.example.com --zone " + zone + " --receiver mx.test";
  }
  std::filesystem::path dir;
  std::string zone;
};

TEST_F(SpfCli, JsonHasTheDocumentedKeys) {
  CliRun r = run(base("192.0.2.7") + " --mail-from user@example.com --json");
  ASSERT_EQ(r.status, 0) << r.out;
  auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["result"], "pass");
  EXPECT_EQ(doc["mechanism"], "ip4:192.0.2.0/24");
  EXPECT_TRUE(doc["explanation"].is_null());
  EXPECT_TRUE(doc["problem"].is_null());
  EXPECT_EQ(doc["dns_lookups"], 0);
  EXPECT_EQ(doc["void_lookups"], 0);
  EXPECT_EQ(doc["identity"], "mailfrom");
  EXPECT_FALSE(doc.contains("received_spf"));
}

TEST_F(SpfCli, FailIsStillExitZeroWithExplanation) {
  CliRun r = run(base("198.51.100.7") + " --mail-from user@example.com --json");
  ASSERT_EQ(r.status, 0) << r.out;
  auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["result"], "fail");
  EXPECT_EQ(doc["mechanism"], "-all");
  EXPECT_EQ(doc["explanation"],
            "198.51.100.7 is not one of example.com's designated mail servers.");
  EXPECT_EQ(doc["dns_lookups"], 3);
  EXPECT_EQ(doc["void_lookups"], 2);
}

// The default explanation writes an IPv6 client as an address (%{c}), not as %{i}'s nibbles.
TEST_F(SpfCli, DefaultExplanationWritesAnIpv6ClientReadably) {
  CliRun r = run(base("2001:db8::7") + " --mail-from user@mail.example.com");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("result: fail\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("explanation: 2001:db8::7 is not one of mail.example.com's designated "
                       "mail servers.\n"),
            std::string::npos)
      << r.out;
}

TEST_F(SpfCli, VoidLimitOption) {
  CliRun r =
      run(base("198.51.100.7") + " --mail-from user@example.com --json --max-void-lookups 1");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(nlohmann::json::parse(r.out)["result"], "permerror");
}

TEST_F(SpfCli, ReceivedSpfHeader) {
  CliRun r = run(base("192.0.2.7") + " --mail-from user@example.com --received-spf");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("result: pass\n"), std::string::npos) << r.out;
  // The clause check writes (pipeline::spf_clause()), with the mechanism that matched.
  EXPECT_NE(r.out.find("spf=pass (matched ip4:192.0.2.0/24) smtp.mailfrom=user@example.com\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("Received-SPF: pass (mx.test: domain of user@example.com designates "
                       "192.0.2.7 as permitted sender) client-ip=192.0.2.7; "
                       "envelope-from=\"user@example.com\"; helo=mail.example.com; "
                       "receiver=mx.test; mechanism=\"ip4:192.0.2.0/24\"; identity=mailfrom\n"),
            std::string::npos)
      << r.out;
}

std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// No line of the field may pass RFC 5322's 998 octets (2.1.1), whatever the values: quoting
// doubles a value of '"' and '\\' (a 500-octet MAIL FROM local part of quotes made a 1032-octet
// envelope-from= alone), so values are cut after quoting, and a field longer than one line allows
// is folded. A field that fits stays on one line (ReceivedSpfHeader).
TEST_F(SpfCli, ReceivedSpfLinesStayWithin998Octets) {
  // A record with a 720-octet term of quotes and backslashes: a permerror naming it.
  std::string strings;  // in master-file form, three strings of 120 '\"\\' each
  for (int k = 0; k < 120; ++k) strings += "\\\"\\\\";
  const std::string record = " \"" + strings + "\" \"" + strings + "\" \"" + strings + "\"";
  std::ofstream(zone, std::ios::app) << "bad 300 IN TXT \"v=spf1 \"" << record << "\n";
  std::string pairs;
  for (int k = 0; k < 300; ++k) pairs += "\"\\";
  const std::string args = "spf --ip 192.0.2.7 --zone " + zone + " --helo " +
                           shell_quote("h" + pairs) + " --mail-from " +
                           shell_quote(std::string(500, '"') + "@bad.example.com") +
                           " --receiver " + shell_quote("r" + pairs) + " --received-spf";
  CliRun text = run(args);
  ASSERT_EQ(text.status, 0) << text.out;
  const std::size_t at = text.out.find("\nReceived-SPF: permerror (");
  ASSERT_NE(at, std::string::npos) << text.out;
  const std::string field = text.out.substr(at + 1);
  for (const std::string key : {"envelope-from=\"\\\"", "helo=\"h\\\"", "receiver=\"r\\\"",
                                "problem=\"", "client-ip=192.0.2.7;"}) {
    EXPECT_NE(field.find(key), std::string::npos) << key << "\n" << field;
  }
  std::size_t lines = 0;
  for (std::size_t start = 0, end; start < field.size(); start = end + 1, ++lines) {
    end = field.find('\n', start);
    EXPECT_LE(end - start, 998u) << field;
    if (start > 0) {
      EXPECT_EQ(field[start], ' ') << field;  // folded, not broken
    }
  }
  EXPECT_GT(lines, 1u);

  CliRun json = run(args + " --json");
  ASSERT_EQ(json.status, 0) << json.out;
  const std::string folded = nlohmann::json::parse(json.out)["received_spf"];
  for (std::size_t start = 0, end = 0; end != std::string::npos; start = end + 2) {
    end = folded.find("\r\n", start);
    EXPECT_LE((end == std::string::npos ? folded.size() : end) - start, 998u) << folded;
  }
  EXPECT_NE(folded.find("\r\n "), std::string::npos) << folded;
}

// A UTF-8 MAIL FROM comes from an SMTPUTF8 session: Received-SPF keeps it (RFC 6531).
TEST_F(SpfCli, ReceivedSpfKeepsAUtf8Sender) {
  CliRun r = run(base("192.0.2.7") + " --mail-from 'j\xc3\xb6rg@example.com' --received-spf");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("identity: mailfrom (j\xc3\xb6rg@example.com)\n"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("envelope-from=\"j\xc3\xb6rg@example.com\";"), std::string::npos) << r.out;
}

TEST_F(SpfCli, HeloIdentityAndNullSender) {
  CliRun helo = run(base("203.0.113.9") + " --mail-from user@example.com --identity helo --json");
  ASSERT_EQ(helo.status, 0) << helo.out;
  auto doc = nlohmann::json::parse(helo.out);
  EXPECT_EQ(doc["result"], "pass");
  EXPECT_EQ(doc["identity"], "helo");
  EXPECT_EQ(doc["authentication_results"], "spf=pass (matched a) smtp.helo=mail.example.com");
  CliRun null = run(base("203.0.113.9") + " --json");
  auto nulldoc = nlohmann::json::parse(null.out);
  EXPECT_EQ(nulldoc["result"], "pass");
  EXPECT_EQ(nulldoc["sender"], "postmaster@mail.example.com");
}

TEST_F(SpfCli, SuiteYamlZonedata) {
  std::string yaml = (dir / "zonedata.yml").string();
  std::ofstream(yaml) << "e1.example.com:\n  - SPF: v=spf1 -all exp=exp.example.com\n"
                         "exp.example.com:\n  - TXT: \"%{l} may not send\"\n";
  CliRun r =
      run("spf --ip 192.0.2.1 --helo mail.example.com --mail-from joe@e1.example.com --zone " +
          yaml + " --json");
  ASSERT_EQ(r.status, 0) << r.out;
  auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["result"], "fail");
  EXPECT_EQ(doc["explanation"], "joe may not send");
}

TEST_F(SpfCli, UsageErrorsExitTwo) {
  EXPECT_EQ(run(base("1.2.3") + " --mail-from a@example.com").status, 2);
  EXPECT_EQ(run(base("192.0.2.1") + " --identity pra").status, 2);
  EXPECT_EQ(run("spf --helo x.example --zone " + zone).status, 2);  // --ip missing
  CliRun missing =
      run(base("192.0.2.1")
              .replace(base("192.0.2.1").find(zone), zone.size(), (dir / "missing.zone").string()));
  EXPECT_EQ(missing.status, 2) << missing.out;
}

}  // namespace
