// UTF-8 well-formedness (RFC 3629) for text that may carry non-ASCII characters since RFC 6532
// (internationalised header fields) and RFC 8616 (their authentication).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace senderauth {

// Length (2-4) of the well-formed UTF-8 sequence of a non-ASCII character at the start of
// `text` (no overlong forms, no surrogates, at most U+10FFFF), or 0 when there is none.
std::size_t utf8_sequence_length(std::string_view text);

// True when `text` is well-formed UTF-8 throughout (ASCII included).
bool is_valid_utf8(std::string_view text);

// What a non-ASCII character does to a line of text. NEL (U+0085), LINE SEPARATOR (U+2028) and
// PARAGRAPH SEPARATOR (U+2029) end it for readers that follow Unicode's line breaks (Perl's
// \R, Python's str.splitlines()): in a header field they start a line of its own there. The
// other C1 controls and the bidirectional formatting characters (U+061C, U+200E, U+200F,
// U+202A-U+202E, U+2066-U+2069) change how it is shown. ASCII controls are not covered.
enum class UnicodeControl : std::uint8_t { none, line_break, format };
// `character`: one whole well-formed UTF-8 sequence (utf8_sequence_length() long).
UnicodeControl unicode_control(std::string_view character);

}  // namespace senderauth
