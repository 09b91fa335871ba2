#include "senderauth/authres/own_fields.hpp"

#include "senderauth/authres/clause.hpp"
#include "senderauth/authres/parser.hpp"
#include "senderauth/core/domain_name.hpp"

namespace senderauth::authres {

namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

bool is_authres_field_name(std::string_view field_name) {
  return iequals(trim(field_name), kFieldName);
}

bool is_own_field(std::string_view field_name, std::string_view field_value,
                  const std::vector<std::string>& our_ids) {
  if (!is_authres_field_name(field_name)) return false;
  auto id = extract_authserv_id(field_value);
  if (!id || id->empty()) return false;
  for (const auto& ours : our_ids) {
    // domain_equal: ASCII case-insensitive with one trailing dot ignored on either side.
    if (!ours.empty() && domain_equal(*id, ours)) return true;
  }
  return false;
}

}  // namespace senderauth::authres
