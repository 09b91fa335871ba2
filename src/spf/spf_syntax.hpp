// Small syntax pieces of RFC 7208 shared by the record parser and the evaluator.
#pragma once

#include <optional>
#include <string_view>

#include "senderauth/core/result.hpp"

namespace senderauth::spf::detail {

inline bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
inline bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
inline bool is_alnum(char c) {
  return is_alpha(c) || is_digit(c);
}

// toplabel = ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum / "-" ) alphanum )
bool is_toplabel(std::string_view label);

// domain-spec = macro-string domain-end (7.1): a valid macro string that ends in a macro
// expansion or in "." toplabel [ "." ]. Empty is an error (the callers decide when a spec may
// be absent).
Result<void> validate_domain_spec(std::string_view spec);

// ip4-cidr-length / ip6-cidr-length digits: "0" or no leading zero, at most `max`.
std::optional<int> parse_cidr_digits(std::string_view digits, int max);

}  // namespace senderauth::spf::detail
