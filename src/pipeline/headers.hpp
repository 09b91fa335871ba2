// The header fields a verdict adds: Authentication-Results (RFC 8601) and Received-SPF
// (RFC 7208 9.1).
#pragma once

#include <string>

#include "senderauth/message/header_field.hpp"
#include "senderauth/pipeline/envelope.hpp"
#include "senderauth/pipeline/local_policy.hpp"
#include "senderauth/pipeline/verdict.hpp"

namespace senderauth::pipeline {

// Every result in `v` as one folded field, ending in CRLF. `internationalised`: keep UTF-8 in
// values (is_internationalised below).
std::string build_authres(const LocalPolicy& policy, const Envelope& envelope, const Verdict& v,
                          bool internationalised);
// For skipped checks: "auth=pass smtp.auth=user" for an authenticated sender, else "none".
std::string build_skipped_authres(const LocalPolicy& policy, const Envelope& envelope);
std::string build_received_spf(const LocalPolicy& policy, const spf::SpfResult& result,
                               bool internationalised);

// True when the message is internationalised already (RFC 6531/6532) and a value the fields
// quote is UTF-8, so that the fields we add may keep it instead of a '?' per byte: its MAIL
// FROM is UTF-8 (an SMTPUTF8 session), or a DKIM i= is (RFC 8616 5) and the header section
// carries UTF-8. A field we add never makes an ASCII message 8-bit.
bool is_internationalised(const Envelope& envelope, const Verdict& v,
                          const message::HeaderList& headers);

}  // namespace senderauth::pipeline
