// senderauth's SPF against pyspf (Debian python3-spf, the library behind policyd-spf): random
// policies, the same results. tests/spf/pyspf_differential.py generates the scenarios and runs
// both; see it for what the policies cover.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "support/peer.hpp"
#include "support/scratch_dir.hpp"

namespace senderauth::spf {
namespace {

using senderauth::testing::kPython;

TEST(SpfInterop, PyspfAgreesOnRandomPolicies) {
  if (!std::filesystem::exists(SENDERAUTH_CLI_PATH)) GTEST_SKIP() << "CLI not built";
  SENDERAUTH_NEED_PEER(
      senderauth::testing::command_succeeds(std::string(kPython) + " -c 'import spf'"),
      "python3-spf");
  senderauth::testing::ScratchDir dir;
  const std::string script =
      std::string(SENDERAUTH_SOURCE_DIR) + "/tests/spf/pyspf_differential.py";
  for (int seed : {1, 2, 3}) {
    const std::string out = senderauth::testing::run_shell(
        std::string(kPython) + " " + script + " " + SENDERAUTH_CLI_PATH + " " +
        dir.path().string() + " " + std::to_string(seed) + " 250; echo exit=$?");
    EXPECT_TRUE(out.ends_with("exit=0\n")) << out;
    EXPECT_NE(out.find(" 0 of 500 checks differ"), std::string::npos) << out;
  }
}

}  // namespace
}  // namespace senderauth::spf
