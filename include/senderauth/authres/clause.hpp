// The data of an Authentication-Results header field (RFC 8601 2.2): an authserv-id and a list
// of resinfo clauses "method=result (comment) reason=... ptype.property=value". One model for
// the fields we write and the ones we parse, so protocol modules need not know this module: the
// pipeline turns their results into Clauses.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "senderauth/core/ip_address.hpp"

namespace senderauth::authres {

inline constexpr std::string_view kFieldName = "Authentication-Results";

// Limits applied when writing and parsing; exceeding them is an error, never a silent cut
// (except values, which are shortened when written: see format.hpp).
inline constexpr std::size_t kMaxClauses = 64;            // resinfos in one field
inline constexpr std::size_t kMaxProperties = 32;         // propspecs in one resinfo
inline constexpr std::size_t kMaxKeywordLength = 64;      // method, result, ptype, property
inline constexpr std::size_t kMaxValueLength = 400;       // written values, before quoting
inline constexpr std::size_t kMaxParseInput = 65536;      // octets of one parsed field value
inline constexpr std::size_t kMaxAuthservIdLength = 255;  // a written authserv-id

struct Property {
  std::string ptype;  // "smtp", "header", "body", "policy", or an extension keyword
  std::string name;   // "mailfrom", "d", "from", "iprev", ...
  // Unquoted and unescaped; an address keeps a quoted local part quoted: "john doe"@example.com.
  std::string value;

  friend bool operator==(const Property&, const Property&) = default;
};

struct Clause {
  std::string method;          // "spf", "dkim", "iprev", "arc", "dmarc", ...
  std::string method_version;  // digits after "method/"; empty: not written (means 1)
  std::string result;          // "pass", "fail", "none", ...
  std::string reason;          // reason= value; empty: no reasonspec
  std::string comment;         // written as "(comment)" after the result; parsed: all comments
  std::vector<Property> properties;

  Clause& add_property(std::string_view ptype, std::string_view name, std::string_view value);
  // First property with this ptype and name (ASCII case-insensitive), or nullptr.
  const Property* find(std::string_view ptype, std::string_view name) const;

  friend bool operator==(const Clause&, const Clause&) = default;
};

struct AuthResults {
  std::string authserv_id;
  std::optional<unsigned> version;  // authres-version when written/present
  std::vector<Clause> clauses;      // empty: "none"
  // Parsing only, lenient mode: resinfos that could not be read and were stepped over (up to
  // the next ';'), as in Microsoft's "...; tenant.mail.onmicrosoft.com; dkim=...". Not written.
  std::size_t skipped_resinfos = 0;

  friend bool operator==(const AuthResults&, const AuthResults&) = default;
};

// RFC 5321 Keyword (Ldh-str): letters, digits and hyphens, not ending in a hyphen.
bool is_keyword(std::string_view text);
// RFC 2045 token: printable US-ASCII except SPACE and tspecials ()<>@,;:\"/[]?=
bool is_token(std::string_view text);

// Clauses for the methods senderauth reports, from plain values (no dependency on the
// protocol modules). `result` is the RFC 8601 result word; empty strings leave an item out.

// iprev=pass (mail.example.com) policy.iprev=192.0.2.1 (the unmapped client address).
Clause make_iprev_clause(std::string_view result, const IpAddress& client_ip,
                         std::string_view comment = {});

enum class SpfScope : unsigned char { mailfrom, helo };
// spf=pass smtp.mailfrom=user@example.com, or spf=none smtp.helo=mail.example.com.
Clause make_spf_clause(std::string_view result, SpfScope scope, std::string_view identity,
                       std::string_view comment = {});

struct DkimClauseInput {
  std::string_view result{};
  std::string_view domain{};     // header.d
  std::string_view identity{};   // header.i
  std::string_view selector{};   // header.s
  std::string_view algorithm{};  // header.a
  std::string_view b_prefix{};   // header.b (RFC 6008)
  std::string_view comment{};
  std::string_view reason{};
};
// One per signature: dkim=pass (2048-bit key) header.d=... header.i=... header.s=... ...
Clause make_dkim_clause(const DkimClauseInput& input);

// arc=pass (i=2) header.oldest-pass=0 smtp.remote-ip=192.0.2.1 (RFC 8617 10.1); arc.chain
// lists the sealing domains, newest first, separated by ":" when given.
Clause make_arc_clause(std::string_view result, std::optional<int> oldest_pass,
                       const std::optional<IpAddress>& remote_ip,
                       const std::vector<std::string>& chain = {}, std::string_view comment = {});

// dmarc=fail (reason) header.from=example.com policy.dmarc=reject
Clause make_dmarc_clause(std::string_view result, std::string_view header_from,
                         std::string_view policy = {}, std::string_view comment = {});

}  // namespace senderauth::authres
