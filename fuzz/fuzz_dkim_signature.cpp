// DKIM-Signature tag parser, the summary used for reporting, and b= removal.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "senderauth/core/idna.hpp"
#include "senderauth/dkim/signature.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto sig = senderauth::dkim::parse_signature(text);
  if (sig.ok()) {
    // Invariants of an accepted signature.
    if (sig->domain.empty() || sig->selector.empty() || sig->signed_headers.empty())
      __builtin_trap();
    // U-labels were converted: the names looked up and aligned are ASCII (RFC 8616 5).
    if (!senderauth::is_ascii(sig->domain) || !senderauth::is_ascii(sig->selector) ||
        !senderauth::is_ascii(sig->identity_domain()))
      __builtin_trap();
    (void)sig->identity_domain();
  }
  (void)senderauth::dkim::summarize_signature(text);
  std::string field = "DKIM-Signature:" + std::string(text) + "\r\n";
  std::string removed = senderauth::dkim::remove_signature_value(field);
  if (removed.size() > field.size()) __builtin_trap();
  return 0;
}
