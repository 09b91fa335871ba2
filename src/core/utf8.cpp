#include "senderauth/core/utf8.hpp"

namespace senderauth {

std::size_t utf8_sequence_length(std::string_view text) {
  if (text.empty()) return 0;
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(0);
  std::size_t length = 0;
  // The second byte's range is narrower after some lead bytes (RFC 3629 4).
  unsigned char low = 0x80;
  unsigned char high = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    if (lead == 0xe0) low = 0xa0;   // overlong
    if (lead == 0xed) high = 0x9f;  // surrogates
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    if (lead == 0xf0) low = 0x90;   // overlong
    if (lead == 0xf4) high = 0x8f;  // above U+10FFFF
  } else {
    return 0;
  }
  if (text.size() < length) return 0;
  if (byte(1) < low || byte(1) > high) return 0;
  for (std::size_t i = 2; i < length; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xbf) return 0;
  }
  return length;
}

bool is_valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    const std::size_t length = utf8_sequence_length(text.substr(i));
    if (length == 0) return false;
    i += length;
  }
  return true;
}

UnicodeControl unicode_control(std::string_view character) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(character[i]); };
  if (character.size() == 2) {
    if (byte(0) == 0xc2 && byte(1) < 0xa0) {  // U+0080-U+009F
      return byte(1) == 0x85 ? UnicodeControl::line_break : UnicodeControl::format;
    }
    return byte(0) == 0xd8 && byte(1) == 0x9c ? UnicodeControl::format : UnicodeControl::none;
  }
  if (character.size() != 3 || byte(0) != 0xe2) return UnicodeControl::none;
  if (byte(1) == 0x80) {
    const unsigned char last = byte(2);
    if (last == 0xa8 || last == 0xa9) return UnicodeControl::line_break;  // U+2028, U+2029
    if (last == 0x8e || last == 0x8f || (last >= 0xaa && last <= 0xae)) {
      return UnicodeControl::format;  // U+200E, U+200F, U+202A-U+202E
    }
  }
  if (byte(1) == 0x81 && byte(2) >= 0xa6 && byte(2) <= 0xa9) {
    return UnicodeControl::format;  // U+2066-U+2069
  }
  return UnicodeControl::none;
}

}  // namespace senderauth
