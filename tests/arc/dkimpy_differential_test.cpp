// senderauth's ARC against dkimpy (Debian python3-dkim, with python3-authres) on random
// messages, both ways: tests/support/dkimpy_differential.py (mode "arc") generates them, seals
// with each side and validates with the other; see it for what the messages vary.
#include <gtest/gtest.h>

#include <filesystem>

#include "support/peer.hpp"

namespace senderauth::arc {
namespace {

TEST(ArcDifferential, DkimpyAndSenderauthAgreeOnRandomMessages) {
  if (!std::filesystem::exists(SENDERAUTH_CLI_PATH)) GTEST_SKIP() << "CLI not built";
  SENDERAUTH_NEED_PEER(senderauth::testing::have_dkimpy_arc(), "python3-dkim and python3-authres");
  senderauth::testing::expect_differential_agrees("tests/support/dkimpy_differential.py", {2, 3},
                                                  150, "arc", " 0 of 150 messages fail");
}

}  // namespace
}  // namespace senderauth::arc
