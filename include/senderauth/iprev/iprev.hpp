// The "iprev" check of RFC 8601 3 (forward-confirmed reverse DNS): the client address's PTR
// names are looked up forward, and the check passes when one of them resolves back to it.
//
// Results (RFC 8601 2.7.3):
//   pass       a PTR name's A/AAAA records include the client address
//   fail       PTR names exist, but none of the forward lookups that completed includes it
//              (NXDOMAIN/NODATA for a name counts as a completed lookup without a match)
//   temperror  the PTR query, or a forward query that might have matched, failed transiently
//   permerror  no PTR data: NXDOMAIN or NODATA for the reverse name; or more PTR names than
//              are looked up (kMaxPtrNames, the first in name order) and none of those
//              resolves to it: a name not looked up might have
// An IPv4-mapped IPv6 client (::ffff:192.0.2.1) is checked as the IPv4 address it carries.
#pragma once

#include <asio/awaitable.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "senderauth/core/ip_address.hpp"
#include "senderauth/dns/resolver.hpp"

namespace senderauth::iprev {

enum class IprevStatus : std::uint8_t { pass, fail, temperror, permerror };

// "pass", "fail", "temperror", "permerror": the RFC 8601 result words.
std::string_view to_string(IprevStatus status);

// At most this many PTR names are looked up forward (the limit RFC 7208 5.5 uses for the same
// walk); the forward lookups run concurrently.
inline constexpr std::size_t kMaxPtrNames = 10;

struct IprevOptions {
  std::size_t max_names = kMaxPtrNames;  // clamped to 1..kMaxPtrNames
};

struct IprevResult {
  IprevStatus status = IprevStatus::permerror;
  IpAddress client_ip;                 // unmapped: what policy.iprev reports
  std::string verified_name;           // pass: the PTR name that resolves back
  std::vector<std::string> ptr_names;  // valid PTR names, lower-case, deduplicated, in order
  std::size_t names_checked = 0;       // how many of them were looked up forward
  std::size_t names_ignored = 0;       // PTR targets that were not host names, or over the cap
  std::string reason;                  // in words, for logs and the A-R comment
  int dns_queries = 0;

  // What to put in the A-R comment: the verified name on pass, the reason otherwise.
  std::string comment() const;
};

// The caller keeps `resolver` alive until the awaitable completes; the address is copied.
asio::awaitable<IprevResult> check_iprev(dns::Resolver& resolver, const IpAddress& client);
asio::awaitable<IprevResult> check_iprev(dns::Resolver& resolver, const IpAddress& client,
                                         const IprevOptions& options);

}  // namespace senderauth::iprev
