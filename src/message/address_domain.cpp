// Domain checks for addresses: what a DMARC author domain must look like before it is used as
// a DNS name. U-labels are kept as written (see address.hpp); DMARC maps them to A-labels with
// domain_to_a_labels(), and the length limits apply to that form.
#include <string>

#include "senderauth/core/idna.hpp"
#include "senderauth/core/utf8.hpp"
#include "senderauth/message/address.hpp"

namespace senderauth::message {

namespace {

constexpr std::size_t kMaxDomain = 253;
constexpr std::size_t kMaxLabel = 63;

bool label_char_ok(unsigned char c) {
  return c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '_';
}

}  // namespace

Result<std::string> normalize_address_domain(std::string_view domain) {
  if (domain.empty()) return make_error("empty domain");
  // RFC 1035's limits are on the name in DNS: for U-labels, on their A-labels (checked below),
  // not on the UTF-8 ("\xc3\xa9" x 32, 64 octets, is a 38-octet A-label).
  const bool ascii = is_ascii(domain);
  if (ascii && domain.size() > kMaxDomain) {
    return make_error("domain longer than " + std::to_string(kMaxDomain) + " octets");
  }
  if (domain.back() == '.') return make_error("domain ends with '.'");
  if (!is_valid_utf8(domain)) return make_error("domain is not valid UTF-8");
  std::string out;
  out.reserve(domain.size());
  std::size_t start = 0;
  while (start <= domain.size()) {
    std::size_t dot = domain.find('.', start);
    if (dot == std::string_view::npos) dot = domain.size();
    const std::string_view label = domain.substr(start, dot - start);
    if (label.empty()) return make_error("empty label");
    if (is_ascii(label) && label.size() > kMaxLabel) {
      return make_error("label longer than " + std::to_string(kMaxLabel) + " octets");
    }
    if (label.front() == '-' || label.back() == '-') {
      return make_error("label '" + std::string(label) + "' begins or ends with '-'");
    }
    for (char c : label) {
      if (!label_char_ok(static_cast<unsigned char>(c))) {
        return make_error(std::string("character '") + c + "' not allowed in a domain");
      }
      out.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c);
    }
    if (dot == domain.size()) break;
    out.push_back('.');
    start = dot + 1;
  }
  if (!ascii) {
    if (auto converted = domain_to_a_labels(out); !converted) return converted.error();
  } else if (auto checked = check_a_labels(out); !checked) {
    return checked.error();
  }
  return out;
}

}  // namespace senderauth::message
