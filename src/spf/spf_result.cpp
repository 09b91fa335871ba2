#include "senderauth/spf/spf_result.hpp"

#include <array>

#include "senderauth/core/domain_name.hpp"

namespace senderauth::spf {

namespace {
constexpr std::array<std::string_view, 7> kVerdictNames = {
    "none", "neutral", "pass", "fail", "softfail", "temperror", "permerror"};
}

std::string_view to_string(SpfVerdict verdict) {
  return kVerdictNames[static_cast<std::size_t>(verdict)];
}

bool parse_spf_verdict(std::string_view text, SpfVerdict& out) {
  for (std::size_t i = 0; i < kVerdictNames.size(); ++i) {
    if (iequals(text, kVerdictNames[i])) {
      out = static_cast<SpfVerdict>(i);
      return true;
    }
  }
  return false;
}

std::string_view to_string(SpfIdentity identity) {
  return identity == SpfIdentity::helo ? "helo" : "mailfrom";
}

}  // namespace senderauth::spf
