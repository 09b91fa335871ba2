// The trusted-forwarder exception to DMARC (RFC 8617 7.2, RFC 7489 7.4 / RFC 9989 local policy):
// when DMARC fails but a passing ARC chain was sealed by a forwarder the operator trusts, the
// message is accepted anyway. The A-R keeps dmarc=fail; the override reason ("arc") is what
// aggregate reports carry as the policy-override reason.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "senderauth/arc/arc_fields.hpp"

namespace senderauth::arc {

struct ForwarderOverride {
  bool applies = false;
  std::string reason_type;     // "arc" when applies (the report's PolicyOverride type)
  std::string trusted_sealer;  // the newest sealing domain found on the trusted list
  std::string comment;         // human words for logs and the report's comment
};

// Pure: no DNS, no clock. `sealing_domains` newest first (ArcResult::sealing_domains()).
// `trusted` entries match a sealing domain exactly (case-insensitive, trailing dot ignored);
// an entry starting with "." matches any subdomain of it ("*.example" is read the same way).
// Applies only when DMARC failed and the chain passed, and not when `unsigned_duplicates`
// (ArcResult::unsigned_duplicates) says the newest AMS leaves a copy of a Subject, From...
// unsigned: the sealer vouched for the message as it was, not for a field added on top since.
ForwarderOverride trusted_forwarder_override(bool dmarc_failed, ChainStatus arc_status,
                                             const std::vector<std::string>& sealing_domains,
                                             const std::vector<std::string>& trusted,
                                             std::string_view unsigned_duplicates = {});

}  // namespace senderauth::arc
