// Reading an input file, or standard input for "-", for the subcommands that take one.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "senderauth/core/result.hpp"
#include "senderauth/message/message_reader.hpp"

namespace senderauth::cli {

// An input read in 64 KiB chunks, so that a message body is never held whole. A file that
// cannot be opened or read (a directory, an I/O error) throws CliError "PATH: reason": read as
// an empty message it would be verified as one without a signature.
class ChunkedInput {
 public:
  explicit ChunkedInput(const std::string& path);  // "-": standard input
  ~ChunkedInput();
  ChunkedInput(const ChunkedInput&) = delete;
  ChunkedInput& operator=(const ChunkedInput&) = delete;

  // The next chunk; empty at the end of the input. Valid until the next call.
  std::string_view next();

  static constexpr std::size_t kChunkSize = 65536;

 private:
  std::string path_;
  std::FILE* file_;
  std::unique_ptr<char[]> buffer_;
};

// The bytes of `path` ("-": standard input), unchanged. Throws CliError "PATH: reason".
std::string read_input(const std::string& path);

// Feeds `path` ("-": standard input) to `reader` in 64 KiB chunks and finishes it. Throws
// CliError when the file cannot be opened or read; a message the reader refuses is the
// returned error.
Result<void> stream_input(const std::string& path, message::MessageReader& reader);

// `fields` (CRLF-terminated, as the signer and sealer write them) in the line end of the
// header section they go on top of: with bare LF when the section's first line (after a leading
// mbox separator) ends in bare LF. Only the header section decides, so fields never end their
// lines differently from the fields below them because of a CRLF somewhere in the body. A
// message without any line end gets CRLF.
std::string in_header_line_ending(const std::string& fields, std::string_view message);

}  // namespace senderauth::cli
