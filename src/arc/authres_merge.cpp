#include "authres_merge.hpp"

#include "senderauth/authres/own_fields.hpp"
#include "senderauth/core/domain_name.hpp"
#include "senderauth/core/tag_list.hpp"

namespace senderauth::arc::detail {

namespace {

// Where the next ';' outside quoted strings and comments is (npos: none). A local part may be
// quoted ("a;b"@example.com) and a comment may hold a ';' (our own reasons do): splitting
// there would fold the AAR inside a value.
std::size_t next_separator(std::string_view text) {
  bool quoted = false;
  int comment_depth = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if ((quoted || comment_depth > 0) && c == '\\') {
      ++i;  // a quoted-pair
    } else if (quoted) {
      quoted = c != '"';
    } else if (c == '(') {
      ++comment_depth;
    } else if (c == ')' && comment_depth > 0) {
      --comment_depth;
    } else if (comment_depth == 0 && c == '"') {
      quoted = true;
    } else if (comment_depth == 0 && c == ';') {
      return i;
    }
  }
  return std::string_view::npos;
}

}  // namespace

std::vector<std::string> own_results(const message::HeaderList& headers,
                                     std::string_view authserv_id) {
  // Ours exactly when `check` calls a field ours (and reports an incoming one as forged): a
  // looser test here would sign into the AAR a field that `check` let pass as someone else's.
  const std::vector<std::string> ids = {std::string(authserv_id)};
  std::vector<std::string> payloads;
  for (const auto& field : headers) {
    if (!authres::is_own_field(field.name(), field.value(), ids)) continue;
    std::string_view value = trim_fws(field.value());
    auto semicolon = next_separator(value);
    if (semicolon == std::string_view::npos) continue;  // no results at all
    payloads.emplace_back(value.substr(semicolon + 1));
  }
  return payloads;
}

MergedResults merge_results(const std::vector<std::string>& payloads) {
  MergedResults merged;
  for (const auto& payload : payloads) {
    std::string_view rest = payload;
    while (true) {
      auto semicolon = next_separator(rest);
      std::string_view part = trim_fws(rest.substr(0, semicolon));
      if (!part.empty()) {
        if (!merged.text.empty()) merged.text += ";\r\n  ";
        merged.text += part;
        auto equals = part.find('=');
        if (equals != std::string_view::npos) {
          std::string_view method = trim_fws(part.substr(0, equals));
          method = trim_fws(method.substr(0, method.find('/')));  // "arc/1": a method version
          if (iequals(method, "arc")) {
            std::string_view result = trim_fws(part.substr(equals + 1));
            std::size_t end = 0;
            while (end < result.size() && !is_fws_char(result[end]) && result[end] != '(') ++end;
            merged.arc_results.emplace_back(result.substr(0, end));
          }
        }
      }
      if (semicolon == std::string_view::npos) break;
      rest.remove_prefix(semicolon + 1);
    }
  }
  return merged;
}

}  // namespace senderauth::arc::detail
