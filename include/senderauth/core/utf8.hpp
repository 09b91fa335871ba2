// UTF-8 well-formedness (RFC 3629) for text that may carry non-ASCII characters since RFC 6532
// (internationalised header fields) and RFC 8616 (their authentication).
#pragma once

#include <cstddef>
#include <string_view>

namespace senderauth {

// Length (2-4) of the well-formed UTF-8 sequence of a non-ASCII character at the start of
// `text` (no overlong forms, no surrogates, at most U+10FFFF), or 0 when there is none.
std::size_t utf8_sequence_length(std::string_view text);

// True when `text` is well-formed UTF-8 throughout (ASCII included).
bool is_valid_utf8(std::string_view text);

}  // namespace senderauth
