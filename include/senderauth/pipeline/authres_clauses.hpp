// Each protocol's result as an Authentication-Results clause (RFC 8601 2.2). The one place that
// decides what a clause says, for the pipeline's header field and for the single-protocol CLI
// commands alike; src/authres decides how it is written (quoting, escaping, folding).
#pragma once

#include <optional>
#include <string>

#include "senderauth/arc/arc_result.hpp"
#include "senderauth/arc/forwarder_override.hpp"
#include "senderauth/authres/clause.hpp"
#include "senderauth/core/ip_address.hpp"
#include "senderauth/dkim/result.hpp"
#include "senderauth/dmarc/evaluator.hpp"
#include "senderauth/spf/spf_result.hpp"

namespace senderauth::pipeline {

// spf=pass (matched ip4:192.0.2.0/24) smtp.mailfrom=user@example.com (or smtp.helo=...).
authres::Clause spf_clause(const spf::SpfResult& result, authres::SpfScope scope);
// dkim=pass (2048-bit rsa key) header.d=... header.i=... header.s=... header.a=... header.b=...
authres::Clause dkim_clause(const dkim::DkimResult& result);
// arc=none; arc=fail (reason) ...; arc=pass (i=2) header.oldest-pass=0 smtp.remote-ip=...
// arc.chain=newest:...:oldest.
authres::Clause arc_clause(const arc::ArcResult& result,
                           const std::optional<IpAddress>& remote_ip = std::nullopt);
// dmarc=fail (reason; accepted: ...) header.from=example.com policy.dmarc=reject
authres::Clause dmarc_clause(const dmarc::DmarcResult& result,
                             const arc::ForwarderOverride& override_by_arc = {});

// The clause on one line ("dkim=pass (2048-bit rsa key) header.d=example.com"), for logs and
// the CLI. A clause these functions build always formats; anything else falls back to
// "method=result". `allow_utf8`: for an internationalised message (RFC 6532), whose values
// may stay UTF-8, as in the field `check` writes.
std::string clause_text(const authres::Clause& clause, bool allow_utf8 = false);

}  // namespace senderauth::pipeline
