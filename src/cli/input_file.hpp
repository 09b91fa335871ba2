// Reading a whole input file, or standard input for "-", for the subcommands that take one.
#pragma once

#include <string>

#include "senderauth/core/result.hpp"
#include "senderauth/message/message_reader.hpp"

namespace senderauth::cli {

// The bytes of `path` ("-": standard input), unchanged. Throws CliError "PATH: reason".
std::string read_input(const std::string& path);

// Feeds `path` ("-": standard input) to `reader` in 64 KiB chunks and finishes it, so a body is
// never held whole. Throws CliError when the file cannot be opened; a message the reader
// refuses is the returned error.
Result<void> stream_input(const std::string& path, message::MessageReader& reader);

}  // namespace senderauth::cli
