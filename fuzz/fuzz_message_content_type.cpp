// The Content-Type reader of DKIM's unsigned-copy rule: any bytes parse or give a reason, and a
// comparable form reads back as itself (so equal forms are equal meanings, not a parse accident).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "senderauth/message/content_type.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto parsed = senderauth::message::parse_content_type(input);
  if (!parsed) {
    if (parsed.reason().empty()) __builtin_trap();
    return 0;
  }
  const std::string form = parsed->comparable_form();
  auto again = senderauth::message::parse_content_type(form);
  if (!again || again->comparable_form() != form) __builtin_trap();
  return 0;
}
