#include "cli/input_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

#include "cli/command_registry.hpp"

namespace senderauth::cli {

std::string read_input(const std::string& path) {
  if (path == "-") {
    std::string data;
    char buf[65536];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, stdin)) > 0) data.append(buf, n);
    return data;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CliError(path + ": " + std::strerror(errno));
  return std::string(std::istreambuf_iterator<char>(in), {});
}

Result<void> stream_input(const std::string& path, message::MessageReader& reader) {
  FILE* f = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (!f) throw CliError(path + ": " + std::strerror(errno));
  Result<void> status;
  char buf[65536];
  std::size_t n;
  while (status && (n = std::fread(buf, 1, sizeof buf, f)) > 0) {
    status = reader.feed(std::string_view(buf, n));
  }
  if (f != stdin) std::fclose(f);
  if (status) status = reader.finish();
  return status;
}

}  // namespace senderauth::cli
