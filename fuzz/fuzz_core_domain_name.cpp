// parse_domain, the comparison helpers and the U-label to A-label conversion on arbitrary bytes.
// The first byte picks the DomainSyntax options; accepted names must be canonical and stable
// under re-parsing; converted names must be ASCII, lower case, host names within the length
// limit, and converting them again must change nothing.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "senderauth/core/domain_name.hpp"
#include "senderauth/core/idna.hpp"

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  senderauth::DomainSyntax syntax;
  syntax.allow_trailing_dot = (data[0] & 1) != 0;
  syntax.require_multiple_labels = (data[0] & 2) != 0;
  syntax.allow_underscore = (data[0] & 4) != 0;
  syntax.ldh_only = (data[0] & 8) != 0;
  syntax.numeric_tld_ok = (data[0] & 16) != 0;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

  const auto labels = senderauth::domain_labels(text);
  (void)senderauth::domain_equal(text, text.substr(text.size() / 2));
  (void)senderauth::domain_is_subdomain_of(text, text.substr(text.size() / 2));

  if (auto ascii = senderauth::domain_to_a_labels(text); ascii) {
    check(senderauth::is_ascii(*ascii));
    check(*ascii == senderauth::ascii_lower(*ascii));
    if (!senderauth::is_ascii(text)) {
      check(ascii->size() <= senderauth::kMaxDomainLength);
      // A converted name is a host name (no mapping to a space, punctuation or an empty label).
      check(senderauth::parse_domain(
                *ascii, senderauth::DomainSyntax{.allow_underscore = true, .ldh_only = true})
                .ok());
      auto twice = senderauth::domain_to_a_labels(*ascii);
      check(twice.ok() && *twice == *ascii);
    }
  } else {
    check(!senderauth::is_ascii(text) && !ascii.reason().empty());
  }

  auto parsed = senderauth::parse_domain(text, syntax);
  if (!parsed) {
    check(!parsed.reason().empty());
    return 0;
  }
  const std::string& name = *parsed;
  check(!name.empty() && name.size() <= senderauth::kMaxDomainLength);
  check(name.back() != '.' && name.front() != '.');
  check(name == senderauth::ascii_lower(name));
  check(senderauth::domain_equal(name, text));
  check(senderauth::iequals(name, senderauth::ascii_lower(text.substr(0, name.size()))));
  auto again = senderauth::parse_domain(name, syntax);
  check(again.ok() && *again == name);
  const auto name_labels = senderauth::domain_labels(name);
  check(name_labels.size() == labels.size());
  check(!syntax.require_multiple_labels || name_labels.size() >= 2);
  for (const auto label : name_labels) {
    check(!label.empty() && label.size() <= senderauth::kMaxLabelLength);
  }
  check(senderauth::domain_is_subdomain_of(name, name_labels.back()));
  check(senderauth::domain_is_subdomain_of(text, name));
  return 0;
}
