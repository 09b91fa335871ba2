#include "senderauth/dns/resolver.hpp"

#include <string>

#include "zone_limits.hpp"

namespace senderauth::dns {

std::string normalize_query_name(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  std::string out(name);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string why_name_cannot_exist(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  if (name.size() > zone_limits::kMaxNameLength) {
    return "name longer than " + std::to_string(zone_limits::kMaxNameLength) + " octets";
  }
  std::size_t label_start = 0;
  for (std::size_t i = 0; i <= name.size() && !name.empty(); ++i) {
    if (i == name.size() || name[i] == '.') {
      const std::size_t length = i - label_start;
      if (length == 0) return "empty label in '" + std::string(name) + "'";
      if (length > zone_limits::kMaxLabelLength) {
        return "label longer than " + std::to_string(zone_limits::kMaxLabelLength) + " octets";
      }
      label_start = i + 1;
    }
  }
  return {};
}

}  // namespace senderauth::dns
