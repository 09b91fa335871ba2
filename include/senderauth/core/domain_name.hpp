// Domain names as mail authentication uses them: compared case-insensitively, A-labels kept as
// received (no IDNA conversion here), syntax checked against RFC 1035 limits.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "senderauth/core/result.hpp"

namespace senderauth {

struct DomainSyntax {
  bool allow_trailing_dot = true;   // "example.com." is the same name; the dot is dropped
  bool require_multiple_labels = false;  // FQDN: at least two labels
  bool allow_underscore = true;      // _domainkey, _dmarc, SPF macro results
  bool ldh_only = false;             // RFC 1123 host name: letters, digits, hyphen (not at ends)
  bool numeric_tld_ok = true;        // SPF's toplabel rule rejects an all-numeric last label
};

inline constexpr std::size_t kMaxDomainLength = 253;  // without the trailing dot
inline constexpr std::size_t kMaxLabelLength = 63;

// Validates `text` and returns it lower-cased (ASCII only) without a trailing dot.
// Rejects: empty name, empty labels (".."/leading dot), labels over 63 octets, names over 253,
// control characters, spaces, and anything the syntax options exclude.
Result<std::string> parse_domain(std::string_view text, const DomainSyntax& syntax = {});

// ASCII case-insensitive comparison; a single trailing dot on either side is ignored.
bool domain_equal(std::string_view a, std::string_view b);

// True when `name` equals `parent` or ends with "." + parent (case-insensitive).
bool domain_is_subdomain_of(std::string_view name, std::string_view parent);

// The labels of a (valid) name, left to right.
std::vector<std::string_view> domain_labels(std::string_view name);

std::string ascii_lower(std::string_view text);
bool iequals(std::string_view a, std::string_view b);

}  // namespace senderauth
