// Domain checks for addresses: what a DMARC author domain must look like before it is used as
// a DNS name. No IDNA mapping here: U-labels are kept as written (see address.hpp); DMARC maps
// them to A-labels with domain_to_a_labels().
#include <string>

#include "senderauth/message/address.hpp"

namespace senderauth::message {

namespace {

constexpr std::size_t kMaxDomain = 253;
constexpr std::size_t kMaxLabel = 63;

// Well-formed UTF-8 (no overlongs, no surrogates, at most U+10FFFF).
bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    unsigned min = 0;
    unsigned cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      n = 1, min = 0x80, cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2, min = 0x800, cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3, min = 0x10000, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;  // truncated sequence
    for (std::size_t k = 1; k <= n; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n + 1;
  }
  return true;
}

bool label_char_ok(unsigned char c) {
  return c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '_';
}

}  // namespace

Result<std::string> normalize_address_domain(std::string_view domain) {
  if (domain.empty()) return make_error("empty domain");
  if (domain.size() > kMaxDomain) {
    return make_error("domain longer than " + std::to_string(kMaxDomain) + " octets");
  }
  if (domain.back() == '.') return make_error("domain ends with '.'");
  if (!valid_utf8(domain)) return make_error("domain is not valid UTF-8");
  std::string out;
  out.reserve(domain.size());
  std::size_t start = 0;
  while (start <= domain.size()) {
    std::size_t dot = domain.find('.', start);
    if (dot == std::string_view::npos) dot = domain.size();
    const std::string_view label = domain.substr(start, dot - start);
    if (label.empty()) return make_error("empty label");
    if (label.size() > kMaxLabel) {
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
  return out;
}

}  // namespace senderauth::message
