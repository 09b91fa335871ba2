// Internationalised domain names (RFC 5890) in the form DNS and the authentication protocols
// use: A-labels ("xn--..."). Since RFC 6531/6532 mail may carry U-labels (UTF-8) in the SMTP
// envelope and in header fields; RFC 8616 has SPF and DMARC convert them before a lookup or a
// comparison, so that a name is the same name however it was written.
#pragma once

#include <string>
#include <string_view>

#include "senderauth/core/result.hpp"

namespace senderauth {

// True when every byte is below 0x80.
bool is_ascii(std::string_view text);

// `domain` with every U-label converted to its A-label (IDNA2008 with the UTS #46
// non-transitional mapping, as libpsl and current browsers use; NFC first), lower-cased. An
// all-ASCII name is only lower-cased: A-labels are kept as written, other checks are the
// caller's (parse_domain). Errors name what was refused: invalid UTF-8, a disallowed code point,
// the bidi or contextual rules, a label or name too long once converted.
Result<std::string> domain_to_a_labels(std::string_view domain);

}  // namespace senderauth
