#include "senderauth/dkim/result.hpp"

#include <algorithm>

namespace senderauth::dkim {

std::string_view to_string(DkimStatus status) {
  switch (status) {
    case DkimStatus::none:
      return "none";
    case DkimStatus::pass:
      return "pass";
    case DkimStatus::fail:
      return "fail";
    case DkimStatus::neutral:
      return "neutral";
    case DkimStatus::policy:
      return "policy";
    case DkimStatus::temperror:
      return "temperror";
    case DkimStatus::permerror:
      return "permerror";
  }
  return "?";
}

void assign_unique_b_prefixes(std::vector<DkimResult>& results) {
  constexpr std::size_t kMinimum = 8;
  for (auto& r : results) {
    std::size_t need = std::min(kMinimum, r.signature_text.size());
    for (const auto& other : results) {
      if (&other == &r || other.signature_text == r.signature_text) continue;
      std::size_t common = 0;
      while (common < r.signature_text.size() && common < other.signature_text.size() &&
             r.signature_text[common] == other.signature_text[common]) {
        ++common;
      }
      need = std::max(need, std::min(common + 1, r.signature_text.size()));
    }
    r.header_b = r.signature_text.substr(0, need);
  }
}

}  // namespace senderauth::dkim
