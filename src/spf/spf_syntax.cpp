#include "spf_syntax.hpp"

#include <string>

#include "senderauth/spf/spf_macro.hpp"

namespace senderauth::spf::detail {

bool is_toplabel(std::string_view label) {
  if (label.empty() || label.front() == '-' || label.back() == '-') return false;
  bool has_alpha = false;
  bool has_dash = false;
  for (char c : label) {
    if (c == '-') {
      has_dash = true;
    } else if (is_alpha(c)) {
      has_alpha = true;
    } else if (!is_digit(c)) {
      return false;
    }
  }
  // All digits is the one shape excluded: it could be mistaken for an IPv4 address.
  return has_alpha || has_dash;
}

Result<void> validate_domain_spec(std::string_view spec) {
  if (spec.empty()) return make_error("empty domain-spec");
  if (auto valid = validate_macro_string(spec, MacroUse::domain_spec); !valid) return valid;
  if (spec.back() == '}') return {};  // ends in a macro-expand: checked after expansion
  // "%%", "%_" and "%-" are macro-expands too (7.1); a spec ending in one is accepted as well.
  if (spec.size() >= 2 && spec[spec.size() - 2] == '%') {
    std::size_t percents = 0;
    for (std::size_t i = spec.size() - 1; i-- > 0 && spec[i] == '%';) ++percents;
    if (percents % 2 == 1) return {};
  }
  std::string_view body = spec;
  if (body.back() == '.') body.remove_suffix(1);
  auto dot = body.rfind('.');
  if (dot == std::string_view::npos) {
    return make_error("domain-spec \"" + std::string(spec) + "\" has no top-level label");
  }
  std::string_view top = body.substr(dot + 1);
  if (!is_toplabel(top)) {
    return make_error("domain-spec \"" + std::string(spec) + "\" ends in an invalid top label");
  }
  return {};
}

std::optional<int> parse_cidr_digits(std::string_view digits, int max) {
  if (digits.empty() || digits.size() > 3) return std::nullopt;
  if (digits.size() > 1 && digits.front() == '0') return std::nullopt;
  int value = 0;
  for (char c : digits) {
    if (!is_digit(c)) return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (value > max) return std::nullopt;
  return value;
}

}  // namespace senderauth::spf::detail
