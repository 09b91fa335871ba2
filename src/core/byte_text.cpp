#include "senderauth/core/byte_text.hpp"

namespace senderauth {

std::string describe_byte(unsigned char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  if (c >= 0x21 && c <= 0x7e) return std::string("'") + static_cast<char>(c) + "'";
  return std::string("byte 0x") + kHex[c >> 4] + kHex[c & 0xf];
}

void append_decimal_escape(std::string& out, unsigned char c) {
  out += '\\';
  out += static_cast<char>('0' + c / 100);
  out += static_cast<char>('0' + c / 10 % 10);
  out += static_cast<char>('0' + c % 10);
}

}  // namespace senderauth
