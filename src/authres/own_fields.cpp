#include "senderauth/authres/own_fields.hpp"

#include <optional>

#include "authres/token_chars.hpp"
#include "senderauth/authres/clause.hpp"
#include "senderauth/core/domain_name.hpp"

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
// comment or quoted-string never ends.
std::optional<std::string> claimed_id(std::string_view value, bool quoted_pairs) {
  std::size_t i = 0;
  while (i < value.size()) {
    const char c = value[i];
    if (is_token_char(c)) {
      const std::size_t start = i;
      bool keyword = true;
      for (; i < value.size() && is_token_char(value[i]); ++i)
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
  for (const auto& ours : our_ids) {
    // domain_equal: ASCII case-insensitive with one trailing dot ignored on either side.
    if (!ours.empty() && domain_equal(*id, ours)) return true;
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
  if (is_ours(claimed_id(value, true), our_ids)) return true;
  return value.find('\\') != std::string_view::npos && is_ours(claimed_id(value, false), our_ids);
}

}  // namespace senderauth::authres
