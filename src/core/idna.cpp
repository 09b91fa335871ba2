#include "senderauth/core/idna.hpp"

#include <idn2.h>

#include <cstdint>
#include <memory>

#include "senderauth/core/domain_name.hpp"

namespace senderauth {

bool is_ascii(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

Result<std::string> domain_to_a_labels(std::string_view domain) {
  if (is_ascii(domain)) return ascii_lower(domain);
  if (domain.find('\0') != std::string_view::npos) return make_error("NUL byte in domain");
  const std::string input(domain);  // libidn2 takes a NUL-terminated string
  std::uint8_t* output = nullptr;
  const int rc = idn2_lookup_u8(reinterpret_cast<const std::uint8_t*>(input.c_str()), &output,
                                IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
  const std::unique_ptr<std::uint8_t, decltype(&idn2_free)> owned(output, &idn2_free);
  if (rc != IDN2_OK) {
    return make_error("not a valid internationalised domain name (" +
                      std::string(idn2_strerror(rc)) + ")");
  }
  std::string ascii(reinterpret_cast<const char*>(output));
  if (!ascii.empty() && ascii.back() == '.') ascii.pop_back();
  if (ascii.size() > kMaxDomainLength) {
    return make_error("domain longer than " + std::to_string(kMaxDomainLength) +
                      " octets once converted to A-labels");
  }
  return ascii_lower(ascii);
}

}  // namespace senderauth
