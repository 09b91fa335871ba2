// Header text from an SPF result: Received-SPF (RFC 7208 9.1) and the spf= clause of
// Authentication-Results (RFC 8601 2.7.2). Values that came from the network (HELO, MAIL FROM,
// explanation, problem) are sanitised: no CR, LF or other control characters, no non-ASCII
// (unless `utf8`: then well-formed UTF-8 is kept, as in a message or session that is
// internationalised already, RFC 6531/6532), correct quoting, bounded length.
#pragma once

#include <string>
#include <string_view>

#include "senderauth/spf/spf_result.hpp"

namespace senderauth::spf {

// "Received-SPF: pass (receiver: ...) client-ip=...; envelope-from=...; helo=...;
// receiver=...; identity=mailfrom; mechanism=..." on one line, without CRLF. `receiver` is
// this host's name.
std::string format_received_spf(const SpfResult& result, std::string_view receiver,
                                bool utf8 = false);

// The spf= clause of Authentication-Results is pipeline::spf_clause()'s (authres_clauses.hpp),
// for `check` and `spf` alike.

// Building blocks, exposed for tests and other header writers.
std::string sanitize_header_text(std::string_view text, std::size_t max_length = 512,
                                 bool utf8 = false);
// dot-atom when the value is one, otherwise a quoted-string with \" and \\ escaped, cut so that
// it takes at most 512 octets written (the values of format_received_spf() are written so too).
std::string header_value(std::string_view text, bool utf8 = false);
// Text fit inside "( )", with no quoted-pair: parentheses that pair up kept, one that does not
// turned into '[' or ']', a backslash into '/' (append_comment_text()).
std::string comment_text(std::string_view text, bool utf8 = false);

}  // namespace senderauth::spf
