// Characters of Authentication-Results, shared by its writer and reader so both agree on what
// needs quoting. RFC 2045 token characters are core's is_token_char() (header_text.hpp).
#pragma once

#include "senderauth/core/header_text.hpp"

namespace senderauth::authres {

// A keyword character (RFC 8601 2.2: ALPHA / DIGIT / "-"); `lenient` also takes '_', which
// some writers put in method and property names.
inline bool is_keyword_char(char c, bool lenient) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         (lenient && c == '_');
}

}  // namespace senderauth::authres
