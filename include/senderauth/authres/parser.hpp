// Reading Authentication-Results fields that arrive with a message (RFC 8601 2.2 grammar,
// comments and folding anywhere CFWS may be, the authres-version, "none").
//
// Lenient by default, because real senders are: a missing authserv-id (Microsoft writes
// "Authentication-Results: dkim=none ...": authserv_id stays empty), a trailing ";", pvalues
// with characters outside a token (header.b=gfT/i2HB), "key=value" items without a ptype
// (stored with an empty ptype), a reason after properties, and a resinfo that cannot be read
// at all is stepped over to the next ';' (counted in skipped_resinfos). Strict mode rejects
// all of these.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "senderauth/authres/clause.hpp"
#include "senderauth/core/result.hpp"

namespace senderauth::authres {

struct ParseOptions {
  bool strict = false;
};

// `value` is the field body after the colon (folding may be left in). Errors name the
// position and what was expected. Limits: kMaxParseInput octets, kMaxClauses resinfos,
// kMaxProperties properties per resinfo, comments nested at most 32 deep.
Result<AuthResults> parse_authres(std::string_view value, const ParseOptions& options = {});

// One resinfo without the leading ";": "dkim=pass (good) header.d=example.com". Lets the
// pipeline take the clause text the protocol modules write and turn it into a Clause.
Result<Clause> parse_clause(std::string_view text, const ParseOptions& options = {});

// Only the authserv-id: the first value after optional CFWS (quoted-string unquoted), or
// nothing when the field does not start with one (e.g. "dkim=none ..."). Reads no further, so
// a field whose resinfos are broken still shows whose it claims to be.
std::optional<std::string> extract_authserv_id(std::string_view value);

}  // namespace senderauth::authres
