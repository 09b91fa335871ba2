// Fuzzes SPF macro validation and expansion (RFC 7208 7): the first byte picks the use and the
// client address family, the rest is the macro string. Validation and expansion must agree, and
// expansion must stay within its bound.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "senderauth/spf/spf_macro.hpp"

using namespace senderauth;
using namespace senderauth::spf;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const MacroUse use = (data[0] & 1) ? MacroUse::explanation : MacroUse::domain_spec;
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  MacroContext ctx;
  ctx.sender = "strong-bad+x=y@email.example.com";
  ctx.local_part = "strong-bad+x=y";
  ctx.sender_domain = "email.example.com";
  ctx.domain = "sub.email.example.com";
  ctx.client_ip =
      (data[0] & 2)
          ? IpAddress::v6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xcb, 0x01})
          : IpAddress::v4({192, 0, 2, 3});
  ctx.helo = "mx.example.org";
  ctx.receiver = "receiver.example";
  ctx.timestamp = 1234567890;
  ctx.validated_name = "mx.example.org";
  const bool valid = validate_macro_string(text, use).ok();
  auto expanded = expand_macro_string(text, ctx, use);
  // Expansion may fail for length on a valid string, never succeed on an invalid one.
  if (expanded.ok() && !valid) std::abort();
  if (expanded.ok() && expanded->size() > kMaxExpansionLength) std::abort();
  if (expanded.ok()) (void)truncate_domain(*expanded);
  (void)uses_validated_name(text);
  return 0;
}
