#include "senderauth/arc/arc_result.hpp"

namespace senderauth::arc {

std::vector<std::string> ArcResult::sealing_domains() const {
  std::vector<std::string> domains;
  domains.reserve(sets.size());
  for (auto it = sets.rbegin(); it != sets.rend(); ++it) domains.push_back(it->seal_domain);
  return domains;
}

}  // namespace senderauth::arc
