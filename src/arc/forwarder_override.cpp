#include "senderauth/arc/forwarder_override.hpp"

#include "senderauth/core/domain_name.hpp"

namespace senderauth::arc {
namespace {

bool trusted_match(std::string_view sealer, std::string_view entry) {
  if (entry.starts_with("*.")) entry.remove_prefix(1);
  if (entry.starts_with(".")) {
    entry.remove_prefix(1);
    return !domain_equal(sealer, entry) && domain_is_subdomain_of(sealer, entry);
  }
  return !entry.empty() && domain_equal(sealer, entry);
}

}  // namespace

ForwarderOverride trusted_forwarder_override(bool dmarc_failed, ChainStatus arc_status,
                                             const std::vector<std::string>& sealing_domains,
                                             const std::vector<std::string>& trusted,
                                             std::string_view unsigned_duplicates) {
  ForwarderOverride decision;
  if (!dmarc_failed) {
    decision.comment = "DMARC did not fail";
    return decision;
  }
  if (arc_status != ChainStatus::pass) {
    decision.comment = "ARC chain is " + std::string(to_string(arc_status)) + ", not pass";
    return decision;
  }
  for (const auto& sealer : sealing_domains) {
    for (const auto& entry : trusted) {
      if (!trusted_match(sealer, entry)) continue;
      if (!unsigned_duplicates.empty()) {
        decision.comment = "sealed by trusted forwarder " + ascii_lower(sealer) +
                           ", but its ARC-Message-Signature leaves a copy unsigned (" +
                           std::string(unsigned_duplicates) + "; RFC 6376 8.15)";
        return decision;
      }
      decision.applies = true;
      decision.reason_type = "arc";
      decision.trusted_sealer = ascii_lower(sealer);
      decision.comment = "ARC chain passed; sealed by trusted forwarder " + decision.trusted_sealer;
      return decision;
    }
  }
  decision.comment = "no sealer of the passing ARC chain is a trusted forwarder";
  return decision;
}

}  // namespace senderauth::arc
