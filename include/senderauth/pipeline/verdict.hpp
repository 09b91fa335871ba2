// Everything one message's checks found, the headers to add, and what the MTA should do.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "senderauth/arc/arc_result.hpp"
#include "senderauth/arc/forwarder_override.hpp"
#include "senderauth/dkim/result.hpp"
#include "senderauth/dmarc/evaluator.hpp"
#include "senderauth/iprev/helo.hpp"
#include "senderauth/iprev/iprev.hpp"
#include "senderauth/spf/spf_result.hpp"

namespace senderauth::pipeline {

enum class Action : std::uint8_t {
  accept,      // deliver (with our headers added)
  quarantine,  // deliver to quarantine / spam folder (milter: SMFIR_QUARANTINE)
  reject,      // 5xx at end of DATA
  tempfail,    // 4xx: the sender retries later
};
std::string_view to_string(Action action);

struct SmtpReply {
  std::string code;      // "550"
  std::string enhanced;  // "5.7.1" (RFC 3463)
  std::string text;      // human text, no CR/LF or other control characters
};

// One header field, as an MTA addresses it: its name (as written) and its 0-based index among
// the fields of that name (ASCII case-insensitive), top to bottom.
struct FieldPosition {
  std::string name;
  std::size_t index = 0;
  friend bool operator==(const FieldPosition&, const FieldPosition&) = default;
};

struct Verdict {
  Action action = Action::accept;
  std::string reason;  // why this action, one line for logs (no control characters)
  SmtpReply reply;     // meaningful for reject and tempfail

  // Set when the checks were skipped (trusted network, authenticated sender).
  bool skipped = false;

  std::optional<iprev::IprevResult> iprev;
  std::optional<iprev::HeloResult> helo;
  std::optional<spf::SpfResult> spf_helo;
  std::optional<spf::SpfResult> spf_mailfrom;
  std::vector<dkim::DkimResult> dkim;
  std::optional<arc::ArcResult> arc;
  std::optional<dmarc::DmarcResult> dmarc;
  bool dmarc_ignored = false;  // no DMARC verdict: every author domain is on the ignore list
  arc::ForwarderOverride arc_override;  // applies: DMARC failed but a trusted sealer vouched

  // Whole header fields to prepend, "Name: value" folded with CRLF, ending in CRLF.
  std::string authentication_results;
  std::string received_spf;
  // Incoming Authentication-Results fields that carry our authserv-id: forgeries the MTA
  // should remove (RFC 8601 5). 0-based indexes, top to bottom, among the
  // Authentication-Results fields only (authres::find_own_fields()).
  std::vector<std::size_t> forged_authres_fields;
  // Fields that hide an Authentication-Results field carrying our authserv-id behind a bare CR
  // ("X-Foo: a\rAuthentication-Results: <our id>; dmarc=pass ..."), which a reader ending lines
  // at a bare CR (Python's email package) takes for one of ours, and which no index among the
  // Authentication-Results fields can name: the MTA should remove the field that holds it.
  // Each field once, top to bottom; not those listed in forged_authres_fields already.
  std::vector<FieldPosition> hidden_authres_fields;
};

}  // namespace senderauth::pipeline
