// RFC 2047 encoded words ("=?charset?B|Q?text?=") in display names, decoded to UTF-8.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace senderauth::message {

// Decodes one whole encoded word. An RFC 2231 language suffix ("utf-8*en") is ignored. Charsets
// other than UTF-8, US-ASCII and ISO-8859-1 go through iconv. Returns nothing when `word` is not
// a well-formed encoded word or its charset is unknown (the caller then keeps it as written).
std::optional<std::string> decode_encoded_word(std::string_view word);

// Decodes every encoded word in a phrase made of space-separated words: whitespace between two
// adjacent encoded words is dropped (RFC 2047 6.2); anything else is kept.
std::string decode_phrase(std::string_view phrase);

}  // namespace senderauth::message
