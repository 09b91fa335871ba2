// Subcommands register themselves at static-initialisation time, so adding one is adding a file.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

namespace senderauth::cli {

// Set by a subcommand's callback: the process exit status.
struct CliState {
  int exit_code = 0;
};

// Thrown inside a subcommand callback for a usage or input error: main prints "senderauth: "
// + what() on one line to stderr and exits 2.
struct CliError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

using CommandAdder = std::function<void(CLI::App& app, CliState& state)>;

struct CommandRegistration {
  CommandRegistration(std::string name, CommandAdder add);
};

std::vector<std::pair<std::string, CommandAdder>>& command_registry();

}  // namespace senderauth::cli
