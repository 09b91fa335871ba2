// The header fields a verdict adds: Authentication-Results (RFC 8601) and Received-SPF
// (RFC 7208 9.1).
#pragma once

#include <string>

#include "senderauth/pipeline/envelope.hpp"
#include "senderauth/pipeline/local_policy.hpp"
#include "senderauth/pipeline/verdict.hpp"

namespace senderauth::pipeline {

// Every result in `v` as one folded field, ending in CRLF.
std::string build_authres(const LocalPolicy& policy, const Envelope& envelope, const Verdict& v);
// For skipped checks: "auth=pass smtp.auth=user" for an authenticated sender, else "none".
std::string build_skipped_authres(const LocalPolicy& policy, const Envelope& envelope);
std::string build_received_spf(const LocalPolicy& policy, const spf::SpfResult& result);

}  // namespace senderauth::pipeline
