// Runs the built senderauth binary and captures its exit status, stdout and stderr.
#pragma once

#include <string>

namespace senderauth::testing {

struct CliRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// `arguments` is appended to the binary path as shell words: quote what needs quoting.
CliRun run_cli(const std::string& arguments);

}  // namespace senderauth::testing
