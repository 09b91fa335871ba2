// The trusted-forwarder exception to DMARC (RFC 8617 7.2, RFC 7489 7.4 / RFC 9989 local policy):
// when DMARC fails but a passing ARC chain was sealed by a forwarder the operator trusts, the
// message is accepted anyway. The A-R keeps dmarc=fail; the override reason ("arc") is what
// aggregate reports carry as the policy-override reason.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "senderauth/arc/arc_result.hpp"
#include "senderauth/core/result.hpp"
#include "senderauth/dkim/unsigned_duplicates.hpp"

namespace senderauth::arc {

struct ForwarderOverride {
  bool applies = false;
  // A trusted forwarder sealed the passing chain, but the override was refused: the comment
  // says why (the verdict's reason repeats it).
  bool refused = false;
  std::string reason_type;     // "arc" when applies (the report's PolicyOverride type)
  std::string trusted_sealer;  // the trusted sealing domain vouched for (or refused)
  std::string comment;         // human words for logs and the report's comment
};

// Whether `entry` can be a trusted-sealer entry: a domain name in A-labels (letters, digits,
// '-', '_'; one trailing dot allowed), optionally after "." or "*." (its subdomains). "*." or
// "." alone is refused: it would stand for every subdomain of the root, so every sealer. An
// entry that is refused here matches no sealer.
Result<void> check_trusted_sealer(std::string_view entry);

// Pure: no DNS, no clock. `chain` is the verifier's result; `author_domains` the author
// domains whose DMARC result failed (A-labels; dmarc::DmarcResult::failed_domains): the
// vouching set must vouch for each, or a second author (another From mailbox, evaluated each)
// would ride on the first one's override. `trusted` entries match a sealing domain (ARC-Seal d=)
// exactly (case-insensitive, trailing dot ignored); an entry starting with "." matches any
// subdomain of it ("*.example" is read the same way).
//
// A trusted sealer vouches only for the message it saw and for what it recorded. So the
// override applies only when DMARC failed, the chain passed, and a set sealed by a trusted
// domain whose ARC-Message-Signature still verifies (ArcSetReport::ams_valid: the sets at or
// above oldest-pass, RFC 8617 5.2 step 5) records in its ARC-Authentication-Results dmarc=pass
// for header.from= each of `author_domains`, and no other dmarc= result for them, and no rule of
// `rules` refuses what that set's AMS leaves unsigned. Such sets are tried newest first. A set
// whose AMS no longer verifies was sealed over a message that has changed since; a sealer that
// recorded dmarc=fail vouched for the transport, not for the author, but does not hide an older
// trusted set that vouched (a second hop after a list records the failure the list caused).
struct OverrideRules {
  // Its ArcSetReport::unsigned_duplicates says the AMS leaves a copy of a Subject, From...
  // unsigned: the sealer vouched for the message as it was, not for a field added on top since
  // (whatever a newer set signs). LocalPolicy: dkim.refuse_unsigned_duplicates.
  bool refuse_unsigned_duplicates = true;
  // Its ArcSetReport::unsigned_body says the AMS's l= leaves part of the body unsigned: what
  // follows was not vouched for (RFC 6376 8.2). `refuse` refuses every such set;
  // `refuse_when_hidable` those whose ArcSetReport::partial_body_risk is set too.
  // LocalPolicy: dkim.partial_body.
  dkim::PartialBody partial_body = dkim::PartialBody::refuse_when_hidable;
};
ForwarderOverride trusted_forwarder_override(bool dmarc_failed, const ArcResult& chain,
                                             const std::vector<std::string>& author_domains,
                                             const std::vector<std::string>& trusted,
                                             OverrideRules rules = {});

}  // namespace senderauth::arc
