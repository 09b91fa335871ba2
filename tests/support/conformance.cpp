#include "support/conformance.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace senderauth::testing {

std::filesystem::path conformance_root() { return SENDERAUTH_CONFORMANCE_DIR; }

std::filesystem::path conformance_path(const std::string& sub) { return conformance_root() / sub; }

bool conformance_present(const std::string& sub) {
  std::error_code ec;
  return std::filesystem::exists(conformance_path(sub), ec);
}

bool running_in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

std::string read_file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace senderauth::testing
