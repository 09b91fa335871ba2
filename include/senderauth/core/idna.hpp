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
// caller's (parse_domain). A name with U-labels must come out as a host name of as many labels
// as it was written with: letters, digits, '-' not at a label's ends, '_' (DKIM and DMARC names
// have it), labels 1..63 octets, at most 253 in all. So a character that UTS #46 maps to ASCII
// punctuation or a space (U+00A0, U+FF20 "＠", U+FF1E "＞", U+2488 "⒈") is refused, not turned
// into a name the reader never saw. The wide full stops (U+3002 "。", U+FF0E, U+FF61) separate
// labels, as UTS #46 has them, but only between non-empty labels: the root dot, dropped, may
// only be one ASCII '.'. Errors name what was refused: invalid UTF-8, a disallowed code point
// or one that maps to a character a host name cannot hold, the bidi or contextual rules, an
// empty label, a label or name too long once converted.
Result<std::string> domain_to_a_labels(std::string_view domain);

// Checks each A-label ("xn--" label, any case) of an all-ASCII name as a lookup does (RFC 5891
// 5.4): it must decode to a U-label whose A-label it is. "xn--bank-tga" decodes to "bank" and a
// soft hyphen (U+00AD), which UTS #46 maps away: a reader may be shown "bank" while DNS is asked
// for another name, which has no DMARC policy. The error names the label and, where one code
// point is to blame, that code point. Names in U-labels are checked by domain_to_a_labels().
Result<void> check_a_labels(std::string_view name);

}  // namespace senderauth
