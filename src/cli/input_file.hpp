// Reading a whole input file, or standard input for "-", for the subcommands that take one.
#pragma once

#include <string>

namespace senderauth::cli {

// The bytes of `path` ("-": standard input), unchanged. Throws CliError "PATH: reason".
std::string read_input(const std::string& path);

}  // namespace senderauth::cli
