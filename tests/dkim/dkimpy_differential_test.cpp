// senderauth's DKIM against dkimpy (Debian python3-dkim) on random messages, both ways:
// tests/support/dkimpy_differential.py generates them, signs with each side and verifies with the
// other; see it for what the messages vary.
#include <gtest/gtest.h>

#include <filesystem>

#include "support/peer.hpp"

namespace senderauth::dkim {
namespace {

TEST(DkimDifferential, DkimpyAndSenderauthAgreeOnRandomMessages) {
  if (!std::filesystem::exists(SENDERAUTH_CLI_PATH)) GTEST_SKIP() << "CLI not built";
  SENDERAUTH_NEED_PEER(senderauth::testing::command_succeeds(
                           std::string(senderauth::testing::kPython) + " -c 'import dkim'"),
                       "python3-dkim");
  senderauth::testing::expect_differential_agrees("tests/support/dkimpy_differential.py", {1, 2},
                                                  150, "dkim", " 0 of 150 messages fail");
}

}  // namespace
}  // namespace senderauth::dkim
