#include "senderauth/spf/spf_macro.hpp"

#include <array>
#include <limits>
#include <string>
#include <vector>

#include "spf_syntax.hpp"

namespace senderauth::spf {

namespace {

using detail::is_alpha;
using detail::is_digit;

constexpr std::string_view kDelimiters = ".-+,/_=";

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}
bool is_upper(char c) {
  return c >= 'A' && c <= 'Z';
}

// One %{...} expansion, parsed.
struct MacroExpand {
  char letter = 0;  // as written (upper case asks for URL escaping)
  int keep = 0;     // DIGIT transformer; 0 = all parts
  bool reverse = false;
  std::string_view delimiters;  // empty: "."
};

// Parses the inside of "%{...}" starting at text[pos] (just after "%{"). On success `pos` is
// just past the closing brace.
Result<MacroExpand> parse_expand(std::string_view text, std::size_t& pos, MacroUse use) {
  MacroExpand m;
  if (pos >= text.size()) return make_error("unterminated macro");
  m.letter = text[pos++];
  switch (lower(m.letter)) {
    case 's':
    case 'l':
    case 'o':
    case 'd':
    case 'i':
    case 'p':
    case 'h':
    case 'v':
      break;
    case 'c':
    case 'r':
    case 't':
      if (use != MacroUse::explanation) {
        return make_error(std::string("macro letter '") + m.letter +
                          "' is only allowed in explanation text");
      }
      break;
    default:
      return make_error(std::string("unknown macro letter '") + m.letter + "'");
  }
  // 7.1 allows any number of digits, leading zeros included. The value saturates: any number
  // at or above the part count keeps every part, so a huge one means the same as the cap.
  constexpr int kSaturated = std::numeric_limits<int>::max();
  std::size_t digits = 0;
  int value = 0;
  while (pos < text.size() && is_digit(text[pos])) {
    ++digits;
    const int digit = text[pos] - '0';
    value = value > (kSaturated - digit) / 10 ? kSaturated : value * 10 + digit;
    ++pos;
  }
  if (digits > 0 && value == 0) return make_error("macro transformer number must not be zero");
  m.keep = value;
  if (pos < text.size() && (text[pos] == 'r' || text[pos] == 'R')) {
    m.reverse = true;
    ++pos;
  }
  std::size_t delim_start = pos;
  while (pos < text.size() && kDelimiters.find(text[pos]) != std::string_view::npos) ++pos;
  m.delimiters = text.substr(delim_start, pos - delim_start);
  if (pos >= text.size() || text[pos] != '}') return make_error("malformed macro expression");
  ++pos;
  return m;
}

bool is_unreserved(char c) {
  return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

void append_url_escaped(std::string& out, std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char c : value) {
    if (is_unreserved(c)) {
      out.push_back(c);
    } else {
      auto byte = static_cast<unsigned char>(c);
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0x0f]);
    }
  }
}

// Split on any delimiter, reverse, keep the rightmost parts, join with "." (7.3).
void append_transformed(std::string& out, std::string_view value, const MacroExpand& m) {
  if (m.keep == 0 && !m.reverse && (m.delimiters.empty() || m.delimiters == ".")) {
    out.append(value);  // the common case: nothing to do
    return;
  }
  std::string_view delims = m.delimiters.empty() ? std::string_view(".") : m.delimiters;
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= value.size(); ++i) {
    if (i == value.size() || delims.find(value[i]) != std::string_view::npos) {
      parts.push_back(value.substr(start, i - start));
      start = i + 1;
    }
  }
  if (m.reverse) {
    for (std::size_t i = 0, j = parts.size() - 1; i < j; ++i, --j) std::swap(parts[i], parts[j]);
  }
  std::size_t first = 0;
  if (m.keep > 0 && static_cast<std::size_t>(m.keep) < parts.size()) {
    first = parts.size() - static_cast<std::size_t>(m.keep);
  }
  for (std::size_t i = first; i < parts.size(); ++i) {
    if (i > first) out.push_back('.');
    out.append(parts[i]);
  }
}

std::string letter_value(char letter, const MacroContext& ctx) {
  switch (lower(letter)) {
    case 's':
      return std::string(ctx.sender);
    case 'l':
      return std::string(ctx.local_part);
    case 'o':
      return std::string(ctx.sender_domain);
    case 'd':
      return std::string(ctx.domain);
    case 'i': {
      // IPv6 nibbles in upper case, as pyspf and Mail::SPF write them (the OpenSPF suite's
      // v-macro-ip6 expects it; RFC 7208 7.4's example is lower case, DNS does not care).
      std::string form = ctx.client_ip.spf_macro_form();
      if (ctx.client_ip.is_v6()) {
        for (char& c : form) {
          if (c >= 'a' && c <= 'f') c = static_cast<char>(c - 32);
        }
      }
      return form;
    }
    case 'p':
      return ctx.validated_name.empty() ? "unknown" : std::string(ctx.validated_name);
    case 'h':
      return std::string(ctx.helo);
    case 'v':
      return ctx.client_ip.is_v4() ? "in-addr" : "ip6";
    case 'c':
      return ctx.client_ip.to_string();
    case 'r':
      return ctx.receiver.empty() ? "unknown" : std::string(ctx.receiver);
    case 't':
      return std::to_string(ctx.timestamp);
    default:
      return {};
  }
}

// Walks the string once; `out` null means validate only.
Result<void> walk(std::string_view text, MacroUse use, const MacroContext* ctx, std::string* out) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    char c = text[pos];
    auto byte = static_cast<unsigned char>(c);
    if (c != '%') {
      bool ok = (byte >= 0x21 && byte <= 0x7e) || (c == ' ' && use == MacroUse::explanation);
      if (!ok) return make_error("invalid character in macro string");
      if (out) out->push_back(c);
      ++pos;
      continue;
    }
    if (pos + 1 >= text.size()) return make_error("'%' at end of macro string");
    char next = text[pos + 1];
    pos += 2;
    switch (next) {
      case '%':
        if (out) out->push_back('%');
        break;
      case '_':
        if (out) out->push_back(' ');
        break;
      case '-':
        if (out) out->append("%20");
        break;
      case '{': {
        auto m = parse_expand(text, pos, use);
        if (!m) return m.error();
        if (out) {
          std::string value = letter_value(m->letter, *ctx);
          if (is_upper(m->letter)) {
            std::string transformed;
            append_transformed(transformed, value, *m);
            append_url_escaped(*out, transformed);
          } else {
            append_transformed(*out, value, *m);
          }
        }
        break;
      }
      default:
        return make_error(std::string("invalid macro escape '%") + next + "'");
    }
    if (out && out->size() > kMaxExpansionLength) return make_error("macro expansion too long");
  }
  // Literal text is not checked as it is copied (it cannot grow), so check the sum here.
  if (out && out->size() > kMaxExpansionLength) return make_error("macro expansion too long");
  return {};
}

}  // namespace

Result<void> validate_macro_string(std::string_view text, MacroUse use) {
  return walk(text, use, nullptr, nullptr);
}

Result<std::string> expand_macro_string(std::string_view text, const MacroContext& context,
                                        MacroUse use) {
  std::string out;
  out.reserve(text.size() + 32);
  if (auto r = walk(text, use, &context, &out); !r) return r.error();
  return out;
}

bool uses_macro_letter(std::string_view text, char letter) {
  for (std::size_t i = 0; i + 2 < text.size(); ++i) {
    if (text[i] == '%') {
      if (text[i + 1] == '{' && lower(text[i + 2]) == letter) return true;
      ++i;  // skip the escaped character ("%%{p}" is literal)
    }
  }
  return false;
}

bool uses_validated_name(std::string_view text) {
  return uses_macro_letter(text, 'p');
}

std::string truncate_domain(std::string name) {
  constexpr std::size_t kMax = 253;
  bool trailing_dot = !name.empty() && name.back() == '.';
  std::size_t length = name.size() - (trailing_dot ? 1 : 0);
  std::size_t cut = 0;
  while (length - cut > kMax) {
    auto dot = name.find('.', cut);
    if (dot == std::string::npos) return {};  // one label longer than 253: nothing valid left
    cut = dot + 1;
  }
  if (cut > 0) name.erase(0, cut);
  return name;
}

}  // namespace senderauth::spf
