#include "senderauth/authres/own_fields.hpp"

#include <optional>

#include "authres/token_chars.hpp"
#include "senderauth/authres/clause.hpp"
#include "senderauth/core/domain_name.hpp"
#include "senderauth/core/idna.hpp"
#include "senderauth/core/utf8.hpp"

namespace senderauth::authres {

namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool is_blank_or_control(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u <= 0x20 || u == 0x7f;
}

// The authserv-id a field claims, read as leniently as any reader might: RFC 8601 allows only
// CFWS before it, but readers skip more. SpamAssassin and python3-authres take the value after
// /Authentication-Results:\s*/, and \s is also a vertical tab and a form feed (in Python also
// 0x1C-0x1F, and in both the Unicode spaces of text decoded from UTF-8). So every byte that
// cannot begin a token, a quoted-string or a comment is passed over here, and the first token
// (or quoted-string) is the claim. With `quoted_pairs` false a backslash in a comment escapes
// nothing, as SpamAssassin reads comments ("(\)" is a whole comment there). Nothing when the
// field names no id: it starts with a resinfo ("dkim=none", as Microsoft writes), or a
// comment or quoted-string never ends. With `utf8` a token also takes well-formed UTF-8
// characters (an internationalised field, RFC 6532), as a reader of UTF-8 text does; without,
// it ends at the first 8-bit byte, as a reader that skips those does.
std::optional<std::string> claimed_id(std::string_view value, bool quoted_pairs, bool utf8) {
  // The length of the token character or UTF-8 character at `at`; 0 when there is none.
  auto token_char = [&](std::size_t at) -> std::size_t {
    if (is_token_char(value[at])) return 1;
    return utf8 && static_cast<unsigned char>(value[at]) >= 0x80
               ? utf8_sequence_length(value.substr(at))
               : 0;
  };
  std::size_t i = 0;
  while (i < value.size()) {
    const char c = value[i];
    if (token_char(i) != 0) {
      const std::size_t start = i;
      bool keyword = true;
      for (std::size_t n = 0; i < value.size() && (n = token_char(i)) != 0; i += n)
        keyword &= is_keyword_char(value[i], true);
      std::string_view token = value.substr(start, i - start);
      while (i < value.size() && is_blank_or_control(value[i])) ++i;
      if (keyword && i < value.size() && (value[i] == '=' || value[i] == '/')) return std::nullopt;
      return std::string(token);
    }
    if (c == '"') {
      std::string out;
      for (++i; i < value.size() && value[i] != '"'; ++i) {
        if (value[i] == '\\' && i + 1 < value.size()) ++i;
        out += value[i];
      }
      if (i == value.size()) return std::nullopt;
      std::string_view id = out;
      while (!id.empty() && is_blank_or_control(id.front())) id.remove_prefix(1);
      while (!id.empty() && is_blank_or_control(id.back())) id.remove_suffix(1);
      return std::string(id);
    }
    if (c == '(') {
      std::size_t depth = 0;
      for (; i < value.size(); ++i) {
        if (value[i] == '\\' && quoted_pairs) {
          ++i;
        } else if (value[i] == '(') {
          ++depth;
        } else if (value[i] == ')' && --depth == 0) {
          break;
        }
      }
      if (i >= value.size()) return std::nullopt;
    }
    ++i;
  }
  return std::nullopt;
}

bool is_ours(const std::optional<std::string>& id, const std::vector<std::string>& our_ids) {
  if (!id || id->empty()) return false;
  // Our name written in U-labels ("mx.bücher.example" for mx.xn--bcher-kva.example) is the
  // same name to a reader that converts it (RFC 8616), so it is compared as its A-labels.
  std::optional<std::string> a_labels;
  if (!is_ascii(*id)) {
    if (auto converted = domain_to_a_labels(*id); converted) a_labels = std::move(*converted);
  }
  for (const auto& ours : our_ids) {
    // domain_equal: ASCII case-insensitive with one trailing dot ignored on either side.
    if (ours.empty()) continue;
    if (domain_equal(*id, ours) || (a_labels && domain_equal(*a_labels, ours))) return true;
  }
  return false;
}

}  // namespace

bool is_authres_field_name(std::string_view field_name) {
  return iequals(trim(field_name), kFieldName);
}

bool is_own_field(std::string_view field_name, std::string_view field_value,
                  const std::vector<std::string>& our_ids) {
  if (!is_authres_field_name(field_name)) return false;
  const std::string_view value = field_value.substr(0, kMaxParseInput);
  const bool backslash = value.find('\\') != std::string_view::npos;
  for (const bool utf8 : {false, true}) {
    if (utf8 && is_ascii(value)) break;
    if (is_ours(claimed_id(value, true, utf8), our_ids)) return true;
    if (backslash && is_ours(claimed_id(value, false, utf8), our_ids)) return true;
  }
  return false;
}

}  // namespace senderauth::authres
