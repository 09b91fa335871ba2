// What an SPF check produced (RFC 7208 2.6), with the details a receiver logs or puts in a header.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "senderauth/core/ip_address.hpp"

namespace senderauth::spf {

enum class SpfVerdict : std::uint8_t { none, neutral, pass, fail, softfail, temperror, permerror };

// "none", "neutral", "pass", "fail", "softfail", "temperror", "permerror".
std::string_view to_string(SpfVerdict verdict);
// Case-insensitive inverse of to_string(); false for anything else.
bool parse_spf_verdict(std::string_view text, SpfVerdict& out);

// Which identity was checked (RFC 7208 2.3 / 2.4).
enum class SpfIdentity : std::uint8_t { mailfrom, helo };
std::string_view to_string(SpfIdentity identity);

struct SpfResult {
  SpfVerdict verdict = SpfVerdict::none;
  SpfIdentity identity = SpfIdentity::mailfrom;
  IpAddress client_ip;
  std::string helo;       // as the client sent it
  std::string sender;     // local@domain actually checked (postmaster@HELO for a null sender)
  std::string domain;     // the domain whose policy was checked first
  std::string mechanism;  // the term that decided, as written ("ip4:192.0.2.0/24"); empty: default
  std::string explanation;  // fail only: the domain's exp= text or the receiver's default
  std::string problem;      // temperror/permerror, or why the identity was not checkable
  int dns_lookups = 0;      // terms counted against the 10-term limit
  int void_lookups = 0;     // lookups that found nothing (counted against the void limit)
  int dns_queries = 0;      // every query sent, address lookups and exp included
};

}  // namespace senderauth::spf
