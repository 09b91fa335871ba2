// senderauth's ARC against dkimpy (Debian python3-dkim, with python3-authres) on random
// messages, both ways: tests/support/dkimpy_differential.py (mode "arc") generates them, seals
// with each side and validates with the other; see it for what the messages vary.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "support/peer.hpp"
#include "support/scratch_dir.hpp"

namespace senderauth::arc {
namespace {

using senderauth::testing::kPython;

TEST(ArcDifferential, DkimpyAndSenderauthAgreeOnRandomMessages) {
  if (!std::filesystem::exists(SENDERAUTH_CLI_PATH)) GTEST_SKIP() << "CLI not built";
  SENDERAUTH_NEED_PEER(senderauth::testing::have_dkimpy_arc(), "python3-dkim and python3-authres");
  senderauth::testing::ScratchDir dir;
  const std::string script =
      std::string(SENDERAUTH_SOURCE_DIR) + "/tests/support/dkimpy_differential.py";
  for (int seed : {2, 3}) {
    const std::string out = senderauth::testing::run_shell(
        std::string(kPython) + " " + script + " " + SENDERAUTH_CLI_PATH + " " +
        dir.path().string() + " " + std::to_string(seed) + " 150 arc; echo exit=$?");
    EXPECT_TRUE(out.ends_with("exit=0\n")) << out;
    EXPECT_NE(out.find(" 0 of 150 messages fail"), std::string::npos) << out;
  }
}

}  // namespace
}  // namespace senderauth::arc
