#include "cli/terminal_text.hpp"

namespace senderauth::cli {

std::string terminal_text(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && byte != '\t') || byte == 0x7f) c = '?';
  }
  return out;
}

}  // namespace senderauth::cli
