// What `senderauth dkim keygen` tells an administrator to publish, published as it is: its
// output pasted into a zone file that a real DNS server (nsd) loads, then `dkim sign` with the
// new keys and `dkim verify --server` through libunbound. Covers the multi-string TXT records
// of large RSA keys, which a server must join back into one key.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cli_runner.hpp"
#include "support/conformance.hpp"
#include "support/nsd_server.hpp"
#include "support/scratch_dir.hpp"

namespace senderauth::testing {
namespace {

const std::string kMessage =
    "From: Alice <alice@example.test>\r\n"
    "To: bob@example.net\r\n"
    "Subject: published keys\r\n"
    "Date: Tue, 24 Nov 2026 09:00:00 +0000\r\n"
    "\r\n"
    "Signed with keys that keygen made and nsd serves.\r\n";

struct Key {
  std::string type;
  int bits;
  std::string selector;
};

TEST(DkimCliServer, KeygenRecordsServedByNsdVerify) {
  if (!NsdServer::available()) {
    if (running_in_ci()) FAIL() << "nsd missing under CI (apt-get install nsd)";
    GTEST_SKIP() << "nsd not installed";
  }
  ScratchDir dir("senderauth-keygen-nsd");
  const std::string message = dir.write("msg.eml", kMessage);
  // rsa 4096's record needs three strings, rsa 2048's two, ed25519's one.
  const std::vector<Key> keys = {
      {"rsa", 2048, "r2048"}, {"rsa", 4096, "r4096"}, {"ed25519", 0, "ed"}};
  std::string zone = "$TTL 300\n";
  std::string sign = "dkim sign --domain example.test --in " + message;
  for (const Key& k : keys) {
    const std::string pem = (dir.path() / (k.selector + ".pem")).string();
    const CliRun made = run_cli(
        "dkim keygen --type " + k.type + (k.bits ? " --bits " + std::to_string(k.bits) : "") +
        " --selector " + k.selector + " --domain example.test --out " + pem);
    ASSERT_EQ(made.exit_code, 0) << made.err;
    zone += made.out;  // pasted as printed
    sign += " --key " + pem + " --selector " + k.selector;
  }
  auto server = NsdServer::start({{"example.test", zone}, {"test", ""}});
  ASSERT_TRUE(server.ok()) << server.reason() << "\n" << zone;

  const std::string signed_path = (dir.path() / "signed.eml").string();
  const CliRun signing = run_cli(sign + " > " + signed_path);
  ASSERT_EQ(signing.exit_code, 0) << signing.err;
  const CliRun verified = run_cli("dkim verify --dns-timeout 3000 --server " +
                                  server.value()->address() + " " + signed_path);
  ASSERT_EQ(verified.exit_code, 0) << verified.err;
  EXPECT_EQ(verified.out.substr(0, verified.out.find(' ')), "pass") << verified.out;
  std::size_t passes = 0;
  for (std::size_t at = 0; (at = verified.out.find("pass d=example.test", at)) != std::string::npos;
       ++at) {
    ++passes;
  }
  EXPECT_EQ(passes, keys.size()) << verified.out << "\n" << zone;
  for (const Key& k : keys) {
    EXPECT_NE(verified.out.find("s=" + k.selector + " "), std::string::npos) << verified.out;
  }
}

}  // namespace
}  // namespace senderauth::testing
