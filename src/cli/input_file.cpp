#include "cli/input_file.hpp"

#include <cerrno>
#include <cstring>

#include "cli/command_registry.hpp"

namespace senderauth::cli {

ChunkedInput::ChunkedInput(const std::string& path)
    : path_(path == "-" ? "standard input" : path),
      file_(path == "-" ? stdin : std::fopen(path.c_str(), "rb")),
      buffer_(std::make_unique<char[]>(kChunkSize)) {
  if (!file_) throw CliError(path_ + ": " + std::strerror(errno));
}

ChunkedInput::~ChunkedInput() {
  if (file_ != stdin) std::fclose(file_);
}

std::string_view ChunkedInput::next() {
  const std::size_t n = std::fread(buffer_.get(), 1, kChunkSize, file_);
  // fopen() succeeds on a directory on Linux; the error (EISDIR) comes with the first read.
  if (n == 0 && std::ferror(file_)) throw CliError(path_ + ": " + std::strerror(errno));
  return {buffer_.get(), n};
}

std::string read_input(const std::string& path) {
  ChunkedInput input(path);
  std::string data;
  for (std::string_view chunk = input.next(); !chunk.empty(); chunk = input.next()) {
    data.append(chunk);
  }
  return data;
}

Result<void> stream_input(const std::string& path, message::MessageReader& reader) {
  ChunkedInput input(path);
  Result<void> status;
  for (std::string_view chunk = input.next(); status && !chunk.empty(); chunk = input.next()) {
    status = reader.feed(chunk);
  }
  if (status) status = reader.finish();
  return status;
}

std::string in_header_line_ending(const std::string& fields, std::string_view message) {
  const std::size_t start = message::mbox_separator_length(message);
  const std::size_t lf = message.find('\n', start);
  if (lf == std::string_view::npos || (lf > start && message[lf - 1] == '\r')) return fields;
  std::string out;
  out.reserve(fields.size());
  for (char ch : fields) {
    if (ch != '\r') out.push_back(ch);
  }
  return out;
}

}  // namespace senderauth::cli
