#include "senderauth/core/domain_name.hpp"

#include <string>

#include "senderauth/core/byte_text.hpp"

namespace senderauth {
namespace {

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

std::string_view drop_trailing_dot(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  return name;
}

// describe_byte(), but a space by name: the likeliest stray byte in a domain.
std::string describe_domain_byte(unsigned char c) {
  return c == ' ' ? std::string("a space") : describe_byte(c);
}

// Checks the characters of one non-empty label; returns an empty string when fine.
std::string label_problem(std::string_view label, const DomainSyntax& syntax) {
  for (const char ch : label) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x21 || c == 0x7f) return describe_domain_byte(c) + " is not allowed in a domain name";
    if (c >= 0x80) {
      // No IDNA here: internationalised names must arrive as A-labels ("xn--...").
      return describe_domain_byte(c) + " is not ASCII (use the A-label form)";
    }
    if (ch == '_') {
      if (!syntax.allow_underscore) return "'_' is not allowed here";
      continue;
    }
    if (syntax.ldh_only && !is_alpha(ch) && !is_digit(ch) && ch != '-') {
      return describe_domain_byte(c) + " is not a letter, digit or hyphen";
    }
  }
  if (syntax.ldh_only && (label.front() == '-' || label.back() == '-')) {
    return "label '" + std::string(label) + "' starts or ends with a hyphen";
  }
  return {};
}

// RFC 7208 toplabel = ( *alphanum ALPHA *alphanum ) /
//                     ( 1*alphanum "-" *( alphanum / "-" ) alphanum )
// i.e. letters, digits and inner hyphens, and not all digits (so an IP address is no domain).
std::string spf_toplabel_problem(std::string_view label) {
  bool all_digits = true;
  for (const char c : label) {
    if (!is_alpha(c) && !is_digit(c) && c != '-') {
      return "top-level label '" + std::string(label) + "' has " +
             describe_domain_byte(static_cast<unsigned char>(c)) +
             " (only letters, digits, hyphens)";
    }
    all_digits = all_digits && is_digit(c);
  }
  if (all_digits) return "top-level label '" + std::string(label) + "' is all-numeric";
  if (label.front() == '-' || label.back() == '-') {
    return "top-level label '" + std::string(label) + "' starts or ends with a hyphen";
  }
  return {};
}

}  // namespace

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = lower(c);
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

Result<std::string> parse_domain(std::string_view text, const DomainSyntax& syntax) {
  if (text.empty()) return make_error("empty domain name");
  std::string_view name = text;
  if (name.back() == '.') {
    if (!syntax.allow_trailing_dot) return make_error("trailing dot in domain name");
    name.remove_suffix(1);
    if (name.empty()) return make_error("domain name is only the root '.'");
  }
  if (name.size() > kMaxDomainLength) {
    return make_error("domain name is " + std::to_string(name.size()) + " octets, over the " +
                      std::to_string(kMaxDomainLength) + " limit");
  }
  std::size_t labels = 0;
  std::string_view last_label;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = name.find('.', start);
    const std::string_view label =
        name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty()) {
      if (start == 0) return make_error("domain name starts with a dot");
      return make_error("empty label (\"..\") in domain name");
    }
    if (label.size() > kMaxLabelLength) {
      return make_error("label of " + std::to_string(label.size()) + " octets, over the " +
                        std::to_string(kMaxLabelLength) + " limit");
    }
    if (auto problem = label_problem(label, syntax); !problem.empty()) {
      return make_error(std::move(problem));
    }
    ++labels;
    last_label = label;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (syntax.require_multiple_labels && labels < 2) {
    return make_error("domain name '" + std::string(name) + "' has a single label");
  }
  if (!syntax.numeric_tld_ok) {
    if (auto problem = spf_toplabel_problem(last_label); !problem.empty()) {
      return make_error(std::move(problem));
    }
  }
  return ascii_lower(name);
}

bool domain_equal(std::string_view a, std::string_view b) {
  return iequals(drop_trailing_dot(a), drop_trailing_dot(b));
}

bool domain_is_subdomain_of(std::string_view name, std::string_view parent) {
  name = drop_trailing_dot(name);
  parent = drop_trailing_dot(parent);
  if (name.empty()) return parent.empty();
  if (parent.empty()) return true;  // everything is under the root
  if (name.size() == parent.size()) return iequals(name, parent);
  if (name.size() < parent.size() + 1) return false;
  const std::size_t cut = name.size() - parent.size();
  return name[cut - 1] == '.' && iequals(name.substr(cut), parent);
}

std::vector<std::string_view> domain_labels(std::string_view name) {
  std::vector<std::string_view> labels;
  name = drop_trailing_dot(name);
  if (name.empty()) return labels;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = name.find('.', start);
    if (dot == std::string_view::npos) {
      labels.push_back(name.substr(start));
      break;
    }
    labels.push_back(name.substr(start, dot - start));
    start = dot + 1;
  }
  return labels;
}

}  // namespace senderauth
