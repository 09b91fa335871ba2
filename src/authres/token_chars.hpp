// RFC 2045 token characters, shared by the Authentication-Results writer and reader so both
// agree on what needs quoting.
#pragma once

namespace senderauth::authres {

// RFC 2045 5.1 tspecials.
inline bool is_tspecial(char c) {
  switch (c) {
    case '(':
    case ')':
    case '<':
    case '>':
    case '@':
    case ',':
    case ';':
    case ':':
    case '\\':
    case '"':
    case '/':
    case '[':
    case ']':
    case '?':
    case '=':
      return true;
    default:
      return false;
  }
}

// A token character: printable US-ASCII, not a space, not a tspecial.
inline bool is_token_char(char c) {
  auto u = static_cast<unsigned char>(c);
  return u > 0x20 && u < 0x7f && !is_tspecial(c);
}

// A keyword character (RFC 8601 2.2: ALPHA / DIGIT / "-"); `lenient` also takes '_', which
// some writers put in method and property names.
inline bool is_keyword_char(char c, bool lenient) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         (lenient && c == '_');
}

}  // namespace senderauth::authres
