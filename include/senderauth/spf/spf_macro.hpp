// SPF macro strings (RFC 7208 7): validation and expansion. Expansion is synchronous: the one
// letter that needs DNS, %{p}, is resolved by the evaluator beforehand and passed in.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "senderauth/core/ip_address.hpp"
#include "senderauth/core/result.hpp"

namespace senderauth::spf {

// Where a macro string stands: domain-specs may not use c, r, t and may not contain spaces;
// explanation text (the TXT record an exp= points at) may.
enum class MacroUse : std::uint8_t { domain_spec, explanation };

struct MacroContext {
  std::string_view sender;          // s: local@domain
  std::string_view local_part;      // l
  std::string_view sender_domain;   // o
  std::string_view domain;          // d: the domain being checked now
  IpAddress client_ip;              // i, c, v (IPv4-mapped addresses already unmapped)
  std::string_view helo;            // h
  std::string_view receiver;        // r
  std::int64_t timestamp = 0;       // t
  std::string_view validated_name;  // p: from validated_client_name(), "unknown" when none
};

// Upper bound on one expansion's output (explanations are capped; domains are truncated to
// 253 octets per 7.3 afterwards).
inline constexpr std::size_t kMaxExpansionLength = 8192;

Result<void> validate_macro_string(std::string_view text, MacroUse use);
Result<std::string> expand_macro_string(std::string_view text, const MacroContext& context,
                                        MacroUse use);
// True when the string contains the macro `letter` (lower case; %{h} and %{H} both count), not
// counting an escaped "%%{".
bool uses_macro_letter(std::string_view text, char letter);
// uses_macro_letter(text, 'p'): the caller must resolve %{p} first.
bool uses_validated_name(std::string_view text);
// RFC 7208 7.3: a name longer than 253 octets loses labels from the left until it fits.
std::string truncate_domain(std::string name);

}  // namespace senderauth::spf
