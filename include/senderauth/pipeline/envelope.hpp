// What the SMTP session told us before the message: the identities SPF, iprev and HELO checks
// judge, and who (if anyone) authenticated.
#pragma once

#include <string>
#include <vector>

#include "senderauth/core/ip_address.hpp"

namespace senderauth::pipeline {

struct Envelope {
  IpAddress client_ip;
  std::string helo;                  // as sent in HELO/EHLO
  std::string mail_from;             // reverse-path without <>; empty for the null sender
  std::vector<std::string> rcpt_to;  // forward-paths
  std::string authenticated_user;    // SMTP AUTH identity; empty when none
};

}  // namespace senderauth::pipeline
