// The receiving site's own rules: what to skip, what to enforce, and the options handed to each
// protocol module. Defaults are what a mail administrator expects from a receiving MX.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "senderauth/arc/verifier.hpp"
#include "senderauth/core/ip_address.hpp"
#include "senderauth/dkim/verifier.hpp"
#include "senderauth/dmarc/evaluator.hpp"
#include "senderauth/iprev/helo.hpp"
#include "senderauth/spf/spf_evaluator.hpp"

namespace senderauth::pipeline {

struct LocalPolicy {
  // Our name in Authentication-Results (RFC 8601 2.5) and Received-SPF's receiver, and the
  // name incoming forged fields are recognised by. It should be a host name; check it with
  // authres::check_authserv_id() where it is configured (the CLI refuses anything else).
  // A value authres::format_field() refuses (empty, control characters, spaces, non-ASCII,
  // over 255 octets) is never written as given: Authentication-Results then carries it
  // sanitised (control characters as spaces, non-ASCII bytes as '?') and quoted, with "none"
  // in place of the results; Received-SPF sanitises and quotes it likewise.
  std::string authserv_id = "localhost";

  // Clients in these networks (e.g. our own submission hosts) and, when
  // skip_authenticated_senders, SMTP AUTH users are not checked: the verdict says why. A
  // trusted network's client is a trusted MTA (RFC 8601 5) and its message is not read at all.
  // An SMTP AUTH user is none: its header section (not its body) is still read, so that
  // Authentication-Results fields claiming our authserv-id are reported
  // (Verdict::forged_authres_fields).
  std::vector<IpNetwork> trusted_networks;
  bool skip_authenticated_senders = true;
  // Author (From:) domains whose mail is not judged by DMARC (OpenDMARC's IgnoreDomains).
  std::vector<std::string> dmarc_ignore_domains;

  bool check_helo_spf = true;  // SPF for the HELO identity too (RFC 7208 2.3 RECOMMENDED)
  bool check_arc = true;

  // A message whose From field gives DMARC no author domain (dmarc::FromProblem: missing,
  // unusable, or a header section that cannot be read at all; several authors follow
  // dmarc.multiple_from) is refused like a p=reject failure:
  // a lenient reader may still show it as coming from a protected domain, and no DMARC result
  // can vouch for it (RFC 7489 6.6.1; OpenDMARC's RequiredHeaders). When false such a message
  // is only recorded as dmarc=permerror.
  bool reject_unusable_from = true;

  // p=reject: reject at SMTP time. When false such mail is quarantined instead if quarantine
  // is enforced, else accepted (observe only); the headers say dmarc=fail either way.
  bool enforce_dmarc_reject = true;
  // p=quarantine: tell the MTA to hold or spam-folder the message. When false, accept.
  bool enforce_dmarc_quarantine = true;
  // SPF "fail" for MAIL FROM leads to rejection (550 5.7.23) unless DMARC passed or an enforced
  // DMARC policy already decided. Off by default: with DMARC deployed, forwarding breaks SPF
  // far more often than forgers trip it.
  bool reject_spf_fail = false;
  // DNS trouble that leaves DMARC undecided (temperror): tempfail so the sender retries, or
  // accept. Accept by default: mail is never lost because of our DNS.
  bool tempfail_on_dmarc_temperror = false;
  // An internal error (a bug, memory exhausted) while checking: accept the mail unchecked (fail
  // open, the default) or tempfail so the sender retries later. Never reject, never drop.
  bool tempfail_on_internal_error = false;

  // Sealing domains whose passing ARC chain overrides a DMARC failure (RFC 8617 7.2).
  std::vector<std::string> trusted_arc_sealers;

  // Per-protocol options (limits, clocks, PSL, ...).
  spf::SpfOptions spf;
  dkim::VerifyOptions dkim;
  arc::VerifyOptions arc;
  dmarc::DmarcOptions dmarc;
  iprev::HeloOptions helo;  // our own names and addresses, for HELO loop detection
};

}  // namespace senderauth::pipeline
