// Fuzzes the SPF record parser (RFC 7208 4.6) with arbitrary TXT text: no crash, no hang, and
// every accepted record's terms must satisfy the parser's own invariants.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "senderauth/spf/spf_macro.hpp"
#include "senderauth/spf/spf_record.hpp"

using namespace senderauth::spf;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)is_spf_record(text);
  auto record = SpfRecord::parse(text);
  if (!record) return 0;
  for (const auto& m : record->mechanisms) {
    if (m.cidr4 < 0 || m.cidr4 > 32 || m.cidr6 < 0 || m.cidr6 > 128) std::abort();
    if (m.text.empty()) std::abort();
    if (!m.domain_spec.empty() &&
        !validate_macro_string(m.domain_spec, MacroUse::domain_spec).ok()) {
      std::abort();
    }
  }
  return 0;
}
