// The local policy's decision from the results of one message: the only place that turns
// authentication results into accept / quarantine / reject / tempfail.
#pragma once

#include <string>
#include <string_view>

#include "senderauth/pipeline/local_policy.hpp"
#include "senderauth/pipeline/verdict.hpp"

namespace senderauth::pipeline {

// Sets v.action, v.reply and v.reason from the results already in `v`.
void decide(Verdict& v, const LocalPolicy& policy);

// `text` fit for one line of a log or an SMTP reply: each run of control characters (C0, DEL,
// C1, U+2028, U+2029) becomes one space, none at either end, and a byte that is not UTF-8
// becomes '?'. Reasons quote untrusted text: an SMTP AUTH name, a HELO, header values, an
// exception's message.
std::string one_line(std::string_view text);

}  // namespace senderauth::pipeline
