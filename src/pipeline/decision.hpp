// The local policy's decision from the results of one message: the only place that turns
// authentication results into accept / quarantine / reject / tempfail.
#pragma once

#include "senderauth/pipeline/local_policy.hpp"
#include "senderauth/pipeline/verdict.hpp"

namespace senderauth::pipeline {

// Sets v.action, v.reply and v.reason from the results already in `v`.
void decide(Verdict& v, const LocalPolicy& policy);

}  // namespace senderauth::pipeline
