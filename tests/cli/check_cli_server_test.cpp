// `senderauth check --server 127.0.0.1@PORT` against a real local DNS server (nsd) serving the
// demo zone, through the libunbound backend: every demo message gets the verdict and the header
// fields it gets from the zone file in memory. Over real DNS no answer is at hand, so the
// checks' lookups really run side by side (DKIM's keys and DMARC's policy while the envelope
// checks wait).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli_runner.hpp"
#include "support/conformance.hpp"
#include "support/nsd_server.hpp"

namespace senderauth::testing {
namespace {

const std::string kDemo = std::string(SENDERAUTH_SOURCE_DIR) + "/demo";

// demo.zone holds several zones, each after its own $ORIGIN line; nsd serves one per file.
// The top-level zones are added empty, so that DMARC's tree walk gets NXDOMAIN for
// _dmarc.test and the like, as from the file, instead of a refusal.
std::vector<ZoneSource> demo_zones() {
  std::istringstream in(read_file_bytes(kDemo + "/zone/demo.zone"));
  std::vector<ZoneSource> zones;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("$ORIGIN ", 0) == 0) {
      std::string origin = line.substr(8);
      if (!origin.empty() && origin.back() == '.') origin.pop_back();
      zones.push_back({origin, "$TTL 3600\n"});
    } else if (!zones.empty()) {
      zones.back().text += line + "\n";
    }
  }
  for (const char* tld : {"test", "net", "example"}) zones.push_back({tld, ""});
  return zones;
}

struct DemoCase {
  std::string message;
  std::string envelope;
};

const std::string kGood =
    " --ip 192.0.2.25 --helo mail.example.test --mail-from alice@example.test"
    " --rcpt bob@example.net";
const std::string kSpoof =
    " --ip 203.0.113.66 --helo mx.attacker.example --mail-from bounce@attacker.example";

TEST(CheckCliServer, DemoVerdictsOverRealDnsMatchTheZoneFile) {
  if (!NsdServer::available()) {
    if (running_in_ci()) FAIL() << "nsd missing under CI (apt-get install nsd)";
    GTEST_SKIP() << "nsd not installed";
  }
  auto server = NsdServer::start(demo_zones());
  ASSERT_TRUE(server.ok()) << server.reason();
  const std::string common = " --json --authserv-id mx.example.net --now 1795430000";
  const std::vector<DemoCase> cases = {{"1-all-pass.eml", kGood},
                                       {"2-spoofed-from.eml", kSpoof},
                                       {"3-body-altered.eml", kGood},
                                       {"4-hidden-author.eml", kSpoof},
                                       {"5-replayed-subject.eml", kSpoof}};
  for (const DemoCase& c : cases) {
    const std::string tail = c.envelope + " '" + kDemo + "/messages/" + c.message + "'";
    const CliRun from_file =
        run_cli("check" + common + " --zone '" + kDemo + "/zone/demo.zone'" + tail);
    const CliRun from_server = run_cli("check" + common + " --dns-timeout 3000 --server " +
                                       server.value()->address() + tail);
    ASSERT_EQ(from_file.exit_code, 0) << from_file.err;
    ASSERT_EQ(from_server.exit_code, 0) << from_server.err;
    const auto want = nlohmann::json::parse(from_file.out);
    const auto got = nlohmann::json::parse(from_server.out);
    EXPECT_EQ(got["action"], want["action"]) << c.message;
    EXPECT_EQ(got["reason"], want["reason"]) << c.message;
    EXPECT_EQ(got["headers"], want["headers"]) << c.message;
  }
}

}  // namespace
}  // namespace senderauth::testing
