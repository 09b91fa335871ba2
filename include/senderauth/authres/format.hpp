// Writing Authentication-Results (RFC 8601 2.2): values quoted when they are not tokens,
// untrusted text made safe, lines folded.
//
// Safety: every value, reason and comment goes through sanitize_value(): control characters
// (CR, LF, HTAB, NUL, DEL, ...) become spaces, runs of spaces collapse, the ends are trimmed,
// non-ASCII bytes become '?' unless allow_utf8 (then only invalid UTF-8 does), and the text is
// cut to kMaxValueLength octets. No CR or LF from a value can ever reach the header.
//
// Folding: when the field does not fit on one line of max_line characters, each resinfo starts
// a new line ("  " indent) and a resinfo wraps between its items ("    " indent) and at spaces
// inside comments and quoted strings (CRLF inserted before the existing space, so unfolding
// restores the value). A single item longer than a line (a 300-character token) is put on a
// line of its own; with the limits above no line can exceed RFC 5322's 998.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "senderauth/authres/clause.hpp"
#include "senderauth/core/result.hpp"

namespace senderauth::authres {

struct FormatOptions {
  std::size_t max_line = 78;              // characters before the line ending
  std::string_view line_ending = "\r\n";  // "\n" for display
  bool allow_utf8 = false;                // RFC 6532 fields: keep valid UTF-8 in values
};

// "Authentication-Results: id; spf=pass smtp.mailfrom=a@example.com" + line_ending, folded.
// Errors: empty or unusable authserv-id, a method/result/ptype/property that is not a keyword,
// more than kMaxClauses clauses or kMaxProperties properties.
Result<std::string> format_field(const AuthResults& results, const FormatOptions& options = {});
// The same without the field name and colon and without the final line ending (begins with
// the space after the colon): what a milter's add-header takes.
Result<std::string> format_value(const AuthResults& results, const FormatOptions& options = {});
// One resinfo on one line, unfolded: "dkim=pass (good) header.d=example.com".
Result<std::string> format_clause(const Clause& clause, const FormatOptions& options = {});

// Whether `id` is an authserv-id as a configuration should give it (RFC 8601 2.2; in practice a
// host name): an RFC 2045 token, that is printable US-ASCII without SPACE or the tspecials
// ()<>@,;:\"/[]?=, of 1 to kMaxAuthservIdLength octets. Never UTF-8: allow_utf8 keeps UTF-8
// in values only, format_field() refuses it in the authserv-id. (format_field() takes other
// printable ASCII too, quoted; this is the stricter rule for input.) The error names the first
// offending byte.
Result<void> check_authserv_id(std::string_view id);

// Building blocks (exposed for tests and other header writers).
std::string sanitize_value(std::string_view text, bool allow_utf8 = false);
// `text` (already sanitised) as an RFC 8601 value: token as is, otherwise a quoted-string.
std::string quote_value(std::string_view text);
// pvalue (RFC 8601 2.2) of an ASCII value: also leaves [local-part] "@" domain-name unquoted
// when the local part is a dot-atom, and writes "@domain" alone when it is not ("a;b"@example.com
// gives @example.com: SpamAssassin drops a field holding a quoted local part), so that an
// address stays an address.
std::string quote_pvalue(std::string_view text);
// The inside of "( )", with no quoted-pair: parentheses that pair up kept, one that does not
// turned into '[' or ']', a backslash into '/' (append_comment_text() in core/header_text.hpp).
std::string escape_comment(std::string_view text);

}  // namespace senderauth::authres
