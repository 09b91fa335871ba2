// How error messages and DNS presentation format name a single byte of input.
#pragma once

#include <string>

namespace senderauth {

// A printable ASCII byte quoted ("'x'"), any other as "byte 0xNN".
std::string describe_byte(unsigned char c);

// Appends `c` as DNS presentation format writes a byte it cannot show (RFC 1035 5.1): a
// backslash and three decimal digits ("\000" for a NUL).
void append_decimal_escape(std::string& out, unsigned char c);

}  // namespace senderauth
