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

namespace {

// Whether the last token of `spec`, a valid macro string, is a macro-expand.
bool ends_in_macro_expand(std::string_view spec) {
  bool expand = false;
  std::size_t pos = 0;
  while (pos < spec.size()) {
    if (spec[pos] != '%' || pos + 1 >= spec.size()) {
      expand = false;
      ++pos;
    } else if (spec[pos + 1] == '{') {
      // A valid macro string closes every "%{" with the first '}' after it (no delimiter or
      // transformer is a '}').
      const auto close = spec.find('}', pos + 2);
      if (close == std::string_view::npos) return false;
      expand = true;
      pos = close + 1;
    } else {
      expand = true;  // "%%", "%_", "%-"
      pos += 2;
    }
  }
  return expand;
}

}  // namespace

Result<void> validate_domain_spec(std::string_view spec) {
  if (spec.empty()) return make_error("empty domain-spec");
  if (auto valid = validate_macro_string(spec, MacroUse::domain_spec); !valid) return valid;
  // Ends in a macro-expand ("%{...}", or "%%", "%_", "%-" (7.1)): checked after expansion. Found
  // by reading the tokens from the start: a final '}' is a literal unless it closes a "%{", so
  // "foo}" and "%%}" end in no macro-expand and need a top label like any other name.
  if (ends_in_macro_expand(spec)) return {};
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
