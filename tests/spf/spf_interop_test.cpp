// senderauth's SPF against pyspf (Debian python3-spf, the library behind policyd-spf): random
// policies, the same results. tests/spf/pyspf_differential.py generates the scenarios and runs
// both; see it for what the policies cover.
#include <gtest/gtest.h>

#include <filesystem>

#include "support/peer.hpp"

namespace senderauth::spf {
namespace {

TEST(SpfInterop, PyspfAgreesOnRandomPolicies) {
  if (!std::filesystem::exists(SENDERAUTH_CLI_PATH)) GTEST_SKIP() << "CLI not built";
  SENDERAUTH_NEED_PEER(senderauth::testing::command_succeeds(
                           std::string(senderauth::testing::kPython) + " -c 'import spf'"),
                       "python3-spf");
  // By our reading of the void-lookup limit, and counted as pyspf counts (each MX host).
  for (const char* mode : {"", "count-mx-host-voids"}) {
    senderauth::testing::expect_differential_agrees("tests/spf/pyspf_differential.py", {1, 2, 3},
                                                    250, mode, " 0 of 500 checks differ");
  }
}

}  // namespace
}  // namespace senderauth::spf
