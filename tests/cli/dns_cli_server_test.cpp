// `senderauth dns ... --server 127.0.0.1@PORT` against a real local DNS server (nsd), through
// the libunbound backend: the same output as from a zone file.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "cli_runner.hpp"
#include "support/conformance.hpp"
#include "support/nsd_server.hpp"

namespace senderauth::testing {
namespace {

const char* kZone = R"($TTL 300
@     IN NS   ns.invalid.
@     IN TXT  "v=spf1 ip4:192.0.2.0/24 " "-all"
mail  IN A    192.0.2.25
)";

class DnsCliServer : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!NsdServer::available()) {
      if (running_in_ci()) FAIL() << "nsd missing under CI (apt-get install nsd)";
      GTEST_SKIP() << "nsd not installed";
    }
    auto server = NsdServer::start({{"example.test", kZone}});
    ASSERT_TRUE(server.ok()) << server.reason();
    nsd_ = std::move(server.value());
  }

  std::unique_ptr<NsdServer> nsd_;
};

TEST_F(DnsCliServer, TxtFromLocalServer) {
  auto run = run_cli("dns TXT example.test --dns-timeout 3000 --server " + nsd_->address());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out,
            ";; example.test. TXT: ok (ttl 300, dnssec indeterminate)\n"
            "example.test.\t300\tIN\tTXT\t\"v=spf1 ip4:192.0.2.0/24 \" \"-all\"\n");
}

TEST_F(DnsCliServer, NxdomainFromLocalServerAsJson) {
  auto run =
      run_cli("dns A nothere.example.test --json --dns-timeout 3000 --server " + nsd_->address());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto doc = nlohmann::json::parse(run.out);
  EXPECT_EQ(doc["status"], "nxdomain");
  EXPECT_EQ(doc["records"], nlohmann::json::array());
}

}  // namespace
}  // namespace senderauth::testing
