// How error messages name a single byte of input.
#pragma once

#include <string>

namespace senderauth {

// A printable ASCII byte quoted ("'x'"), any other as "byte 0xNN".
std::string describe_byte(unsigned char c);

}  // namespace senderauth
