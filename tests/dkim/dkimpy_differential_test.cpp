// senderauth's DKIM against dkimpy (Debian python3-dkim) on random messages, both ways:
// tests/support/dkimpy_differential.py generates them, signs with each side and verifies with the
// other; see it for what the messages vary.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "support/peer.hpp"
#include "support/scratch_dir.hpp"

namespace senderauth::dkim {
namespace {

using senderauth::testing::kPython;

TEST(DkimDifferential, DkimpyAndSenderauthAgreeOnRandomMessages) {
  if (!std::filesystem::exists(SENDERAUTH_CLI_PATH)) GTEST_SKIP() << "CLI not built";
  SENDERAUTH_NEED_PEER(
      senderauth::testing::command_succeeds(std::string(kPython) + " -c 'import dkim'"),
      "python3-dkim");
  senderauth::testing::ScratchDir dir;
  const std::string script =
      std::string(SENDERAUTH_SOURCE_DIR) + "/tests/support/dkimpy_differential.py";
  for (int seed : {1, 2}) {
    const std::string out = senderauth::testing::run_shell(
        std::string(kPython) + " " + script + " " + SENDERAUTH_CLI_PATH + " " +
        dir.path().string() + " " + std::to_string(seed) + " 150; echo exit=$?");
    EXPECT_TRUE(out.ends_with("exit=0\n")) << out;
    EXPECT_NE(out.find(" 0 of 150 messages fail"), std::string::npos) << out;
  }
}

}  // namespace
}  // namespace senderauth::dkim
