// Text that a header field we write can carry as it is.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace senderauth {

// RFC 5234 WSP: a space or a horizontal tab.
inline bool is_wsp(char c) {
  return c == ' ' || c == '\t';
}

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

// An RFC 2045 token character (MIME parameters, Authentication-Results values): printable
// US-ASCII, not a space, not a tspecial.
inline bool is_token_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u > 0x20 && u < 0x7f && !is_tspecial(c);
}

// RFC 5322 3.2.3 atext; with `utf8`, also the bytes of UTF-8 characters (RFC 6532 3.2), for
// text already known to be well-formed UTF-8.
inline bool is_atext(char c, bool utf8 = false) {
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x80) return utf8;
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

// RFC 5322 3.2.3 dot-atom-text: atext runs joined by single dots.
inline bool is_dot_atom(std::string_view text, bool utf8 = false) {
  if (text.empty() || text.front() == '.' || text.back() == '.') return false;
  char previous = 0;
  for (char c : text) {
    if (c == '.' ? previous == '.' : !is_atext(c, utf8)) return false;
    previous = c;
  }
  return true;
}

// True when `text` is at most `max_length` bytes of printable US-ASCII with single spaces between
// words and none at either end: what the header sanitisers (A-R, Received-SPF) leave unchanged.
// Nearly every value is, and is then written in place instead of copied.
inline bool is_clean_header_text(std::string_view text, std::size_t max_length) {
  if (text.size() > max_length) return false;
  char previous = ' ';  // a leading space is not clean
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x7f || (c == ' ' && previous == ' ')) return false;
    previous = c;
  }
  return previous != ' ' || text.empty();
}

// Appends `text` as the inside of a comment, without a quoted-pair: SpamAssassin's reader takes
// "\(" for an opening parenthesis and then drops the whole field ("comment not ended"), though
// RFC 5322 allows it. Parentheses that pair up are kept, as the nested comments RFC 5322 allows
// (our own texts nest one: "key revoked (empty p=)"); one that pairs with none, as text from the
// network may bring ("no SPF record at mx(.evil.example"), becomes '[' or ']', and a backslash
// '/'. So every reader sees the comment end where it ends.
inline void append_comment_text(std::string& out, std::string_view text) {
  // The usual case: nothing to change. (A loop: find_first_of calls memchr per character.)
  bool plain = true;
  for (char c : text) plain &= c != '(' && c != ')' && c != '\\';
  if (plain) {
    out += text;
    return;
  }
  const std::size_t start = out.size();
  std::size_t open = 0;  // '(' not yet closed
  for (char c : text) {
    if (c == '(') {
      ++open;
    } else if (c == ')') {
      if (open == 0)
        c = ']';
      else
        --open;
    } else if (c == '\\') {
      c = '/';
    }
    out.push_back(c);
  }
  // The '(' left open: those that no ')' after them closes, found from the end.
  std::size_t closes = 0;
  for (std::size_t i = out.size(); open > 0 && i-- > start;) {
    if (out[i] == ')') {
      ++closes;
    } else if (out[i] == '(' && closes > 0) {
      --closes;
    } else if (out[i] == '(') {
      out[i] = '[';
      --open;
    }
  }
}

// Appends `text` to `out` with a backslash before each character `special` picks (the quoting
// of quoted-strings), copying the runs between them whole.
template <class Special>
void append_escaped(std::string& out, std::string_view text, Special special) {
  std::size_t run = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!special(text[i])) continue;
    out.append(text.substr(run, i - run));
    out.push_back('\\');
    run = i;
  }
  out.append(text.substr(run));
}

}  // namespace senderauth
