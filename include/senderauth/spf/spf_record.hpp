// An SPF record parsed into terms (RFC 7208 4.6, 5, 6). Parsing checks the whole record, so a
// syntax error anywhere is a permerror before anything is evaluated (4.6). Macro strings are
// validated here and expanded later, when the evaluation knows the values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "senderauth/core/ip_address.hpp"
#include "senderauth/core/result.hpp"
#include "senderauth/spf/spf_result.hpp"

namespace senderauth::spf {

enum class Qualifier : std::uint8_t { pass, fail, softfail, neutral };
enum class MechanismKind : std::uint8_t { all, include, a, mx, ptr, ip4, ip6, exists };

std::string_view to_string(MechanismKind kind);
SpfVerdict verdict_of(Qualifier qualifier);

struct Mechanism {
  Qualifier qualifier = Qualifier::pass;
  MechanismKind kind = MechanismKind::all;
  std::string domain_spec;  // unexpanded; empty: the current domain (a, mx, ptr)
  IpAddress network;        // ip4 / ip6
  int cidr4 = 32;           // a, mx, ip4
  int cidr6 = 128;          // a, mx, ip6
  std::string text;         // the term as written, for reporting
  bool has_macros = false;  // domain_spec needs expansion
  // include, a, mx, ptr, exists: counted against the DNS-term limit (4.6.4).
  bool queries_dns() const;
};

struct UnknownModifier {
  std::string name;
  std::string value;
};

// Upper bounds checked by the parser. RFC 7208 sets no length for a record (a large provider's
// list of networks runs past 4 KB); the cap is the most a TXT RRset can carry in one DNS message
// (65535 octets), so that no answer a resolver can give is refused for its size. The term cap
// lets such a record list an address per term (65535 octets hold ~4 400 "ip4:192.0.2.1"), as
// pyspf evaluates it, while a record of one-letter terms ("a a a ...", up to ~32 000) is
// refused before it is held in memory.
inline constexpr std::size_t kMaxRecordLength = 65535;
inline constexpr std::size_t kMaxTerms = 8192;

struct SpfRecord {
  std::vector<Mechanism> mechanisms;
  std::optional<std::string> redirect;  // domain-spec
  std::optional<std::string> exp;       // domain-spec
  std::vector<UnknownModifier> unknown_modifiers;

  // `text` is a whole record starting with "v=spf1" (case-insensitive). Errors name the term.
  static Result<SpfRecord> parse(std::string_view text);
};

// True when a TXT record's (joined) text is an SPF record: "v=spf1" then end or a space (4.5).
bool is_spf_record(std::string_view text);

}  // namespace senderauth::spf
