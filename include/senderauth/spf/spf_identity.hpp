// Which domain and sender an SPF check uses for each identity (RFC 7208 2.3, 2.4, 4.3).
#pragma once

#include <string>
#include <string_view>

#include "senderauth/spf/spf_result.hpp"

namespace senderauth::spf {

struct SpfIdentityTarget {
  bool checkable = false;  // false: the result is "none" without any lookup
  std::string domain;      // <domain> for check_host()
  std::string sender;      // <sender>: local@domain
  std::string local_part;  // "postmaster" when the address had none
  std::string why_not;     // when not checkable: what was wrong with the name
};

// MAIL FROM: "local@domain" (optionally in <>). An empty reverse-path means postmaster@HELO.
// A domain that is not a multi-label name with valid labels (or is a literal) is not checkable.
SpfIdentityTarget mailfrom_identity(std::string_view mail_from, std::string_view helo);
// HELO: checkable only when the name is a fully qualified domain name; sender postmaster@HELO.
SpfIdentityTarget helo_identity(std::string_view helo);

// The HELO as results and header fields name it (RFC 8616; README): a domain in U-labels as the
// A-labels SPF checks, without a trailing dot; an address literal, or a name that cannot be
// converted, as sent (blanks trimmed).
std::string helo_domain(std::string_view helo);

// RFC 7208 4.3: labels 1..63 octets, at most 253 octets, at least two labels, no literal. One
// trailing dot may end the name; a second is an empty label.
bool is_checkable_domain(std::string_view name);

}  // namespace senderauth::spf
