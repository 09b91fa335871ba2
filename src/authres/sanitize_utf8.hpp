// UTF-8 well-formedness for values that may keep non-ASCII text (RFC 6532 header fields).
#pragma once

#include <cstddef>
#include <string_view>

namespace senderauth::authres::detail {

// Length (2-4) of the well-formed UTF-8 sequence at the start of `text` (no overlongs, no
// surrogates, at most U+10FFFF), or 0 when it is not one.
std::size_t utf8_sequence_length(std::string_view text);

}  // namespace senderauth::authres::detail
