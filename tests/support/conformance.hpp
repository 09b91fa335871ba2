// Where the public conformance suites live (CMake: SENDERAUTH_CONFORMANCE_DIR), and what to do
// when they are not there: skip with a message in a user's clone, fail under CI=true.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace senderauth::testing {

std::filesystem::path conformance_root();
// conformance_root() / sub, whether or not it exists.
std::filesystem::path conformance_path(const std::string& sub);
bool conformance_present(const std::string& sub);
bool running_in_ci();
std::string read_file_bytes(const std::filesystem::path& path);

}  // namespace senderauth::testing

// Use at the top of a test body that reads a suite.
#define SENDERAUTH_NEED_CONFORMANCE(sub)                                                  \
  do {                                                                                    \
    if (!::senderauth::testing::conformance_present(sub)) {                               \
      if (::senderauth::testing::running_in_ci()) {                                       \
        FAIL() << "conformance data missing under CI: "                                   \
               << ::senderauth::testing::conformance_path(sub);                           \
      }                                                                                   \
      GTEST_SKIP() << "conformance data not found at "                                    \
                   << ::senderauth::testing::conformance_path(sub)                        \
                   << " (set -DSENDERAUTH_CONFORMANCE_DIR=...)";                          \
    }                                                                                     \
  } while (0)
