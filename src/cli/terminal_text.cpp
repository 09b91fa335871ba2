#include "cli/terminal_text.hpp"

#include "senderauth/core/utf8.hpp"

namespace senderauth::cli {

std::string terminal_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if ((byte < 0x20 && byte != '\t') || byte == 0x7f) {
      out += '?';
      ++i;
      continue;
    }
    // C1 (U+009B is a terminal's CSI), U+2028 and the bidi overrides: one '?' each.
    const std::size_t length = byte < 0x80 ? 0 : utf8_sequence_length(text.substr(i));
    if (length != 0 && unicode_control(text.substr(i, length)) != UnicodeControl::none) {
      out += '?';
      i += length;
      continue;
    }
    out += text[i];
    ++i;
  }
  return out;
}

}  // namespace senderauth::cli
