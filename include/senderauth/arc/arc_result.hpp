// The outcome of ARC chain validation (RFC 8617 5.2) and its Authentication-Results clause.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "senderauth/arc/arc_fields.hpp"
#include "senderauth/core/ip_address.hpp"

namespace senderauth::arc {

// What was learnt about one ARC Set. Checks not run (the chain failed earlier, or the AMS of an
// older set was not needed) stay empty.
struct ArcSetReport {
  int instance = 0;
  ChainStatus seal_cv = ChainStatus::none;  // cv= of this set's ARC-Seal
  std::string seal_domain;                  // AS d=
  std::string seal_selector;                // AS s=
  std::string ams_domain;                   // AMS d=
  std::string ams_selector;                 // AMS s=
  std::string authserv_id;                  // AAR authserv-id
  // The AAR after "i=N;": authserv-id and results as the sealer wrote them (folding kept).
  // What the trusted-sealer override reads (forwarder_override.hpp).
  std::string aar_payload;
  std::optional<bool> ams_valid;
  std::optional<bool> seal_valid;
  std::string ams_reason;   // why the AMS did not verify, or that it was not checked
  std::string seal_reason;  // why the AS did not verify
  // Set when this AMS verifies: fields allowed once that its h= covers fewer times than the
  // message has them ("2 Subject fields, 1 signed"; dkim::describe_unsigned_duplicates), or
  // empty. What the trusted-sealer override reads for the set that vouches.
  std::string unsigned_duplicates;
  // Set when this AMS verifies and its l= leaves part of the canonical body unsigned: "l=
  // leaves N of M body bytes unsigned" (as dkim verify says it), or empty. Whatever follows the
  // first l= bytes (a footer, or new text appended to a replayed message) is not vouched for
  // (RFC 6376 8.2); the trusted-sealer override can be told to refuse such a set.
  std::string unsigned_body;
  // Set with unsigned_body when what was appended can hide the signed text: "h= does not sign
  // Content-Type", "the body is text/html" (dkim::partial_body_risk()). By default the override
  // then refuses.
  std::string partial_body_risk;
};

struct ArcResult {
  ChainStatus status = ChainStatus::none;
  int instances = 0;  // N, the highest instance (0: no ARC header field)
  // RFC 8617 5.2 step 5: the lowest instance whose AMS (and every newer one) still verifies;
  // 0 when all of them do. Meaningful when status is pass.
  int oldest_pass = 0;
  std::string reason;              // why fail (or "no ARC header fields" / "chain verified")
  std::vector<ArcSetReport> sets;  // i=1 first; empty when the structure was broken
  // The newest set's ArcSetReport::unsigned_duplicates: fields allowed once that the newest AMS
  // covers fewer times than the message has them, or empty. The chain can still pass (RFC 8617
  // has no such rule); the trusted-sealer override reads the vouching set's own.
  std::string unsigned_duplicates;

  // The ARC-Seal d= values, newest first: what arc.chain lists and trusted-forwarder rules read.
  std::vector<std::string> sealing_domains() const;
};

// The "arc=" clause of Authentication-Results: pipeline::arc_clause().

}  // namespace senderauth::arc
