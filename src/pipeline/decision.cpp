#include "pipeline/decision.hpp"

#include <optional>
#include <string>
#include <string_view>

#include "senderauth/core/domain_name.hpp"
#include "senderauth/core/utf8.hpp"

namespace senderauth::pipeline {

std::string_view to_string(Action action) {
  switch (action) {
    case Action::accept:
      return "accept";
    case Action::quarantine:
      return "quarantine";
    case Action::reject:
      return "reject";
    case Action::tempfail:
      return "tempfail";
  }
  return "accept";
}

namespace {

// RFC 5321 4.5.3.1.5: a reply line is at most 512 octets with its code and CRLF. The SPF
// explanation comes from the sender's DNS (printable ASCII, up to 8 KB after expansion), so
// the reply text is cut well below that.
constexpr std::size_t kMaxReplyText = 400;

std::string reply_text(std::string text) {
  if (text.size() > kMaxReplyText) {
    text.resize(kMaxReplyText - 3);
    text += "...";
  }
  return text;
}

void set_reject(Verdict& v, std::string code, std::string enhanced, std::string text,
                std::string reason) {
  v.action = Action::reject;
  v.reply = {std::move(code), std::move(enhanced), reply_text(std::move(text))};
  v.reason = std::move(reason);
}

struct FromRefusal {
  std::string_view reply;   // the SMTP reply text
  std::string_view reason;  // the verdict's reason, before the DMARC reason
};

// Whether the From field's problem (if any) refuses the message under `policy`.
std::optional<FromRefusal> from_refusal(const Verdict& v, const LocalPolicy& policy) {
  if (!v.dmarc || v.dmarc->status != dmarc::DmarcStatus::permerror) return std::nullopt;
  switch (v.dmarc->from_problem) {
    case dmarc::FromProblem::none:
      return std::nullopt;
    case dmarc::FromProblem::several_authors:  // chosen by dmarc.multiple_from = reject
      return FromRefusal{"Message has several From authors; one is required",
                         "several From authors"};
    case dmarc::FromProblem::too_many_authors:  // more than the limits evaluate: not judged
      return FromRefusal{"Message has too many From authors", "too many From authors"};
    case dmarc::FromProblem::missing:
      if (!policy.reject_unusable_from) return std::nullopt;
      return FromRefusal{"Message has no From header field", "no From author"};
    case dmarc::FromProblem::unusable:
      if (!policy.reject_unusable_from) return std::nullopt;
      return FromRefusal{"From header field is not RFC 5322 compliant", "unusable From field"};
    case dmarc::FromProblem::header_unreadable:
      if (!policy.reject_unusable_from) return std::nullopt;
      return FromRefusal{"Message header is not RFC 5322 compliant", "unreadable header"};
  }
  return std::nullopt;
}

// True for a character (one whole UTF-8 sequence) that breaks or controls a line: C0, DEL,
// C1, U+2028 LINE SEPARATOR, U+2029 PARAGRAPH SEPARATOR, the bidi formatting characters.
bool is_line_control(std::string_view character) {
  const auto first = static_cast<unsigned char>(character.front());
  if (character.size() == 1) return first < 0x20 || first == 0x7f;
  return unicode_control(character) != UnicodeControl::none;
}

}  // namespace

std::string one_line(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;  // a control run since the last character kept
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const std::size_t length = byte < 0x80 ? 1 : utf8_sequence_length(text.substr(i));
    const std::string_view character = text.substr(i, length == 0 ? 1 : length);
    i += character.size();
    if (length != 0 && is_line_control(character)) {
      pending_space = !out.empty();  // none at either end
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    if (length == 0) {
      out += '?';  // not UTF-8
    } else {
      out += character;
    }
  }
  return out;
}

void decide(Verdict& v, const LocalPolicy& policy) {
  v.action = Action::accept;
  v.reply = {"250", "2.0.0", "OK"};

  // RFC 5321 4.1.4: HELO is never grounds for refusal, except a client claiming to be us.
  if (v.helo && v.helo->loop) {
    set_reject(v, "550", "5.7.1", "HELO/EHLO names this host", "HELO loop: " + v.helo->loop_reason);
    return;
  }

  // No author domain for DMARC to judge (RFC 7489 6.6.1: such mail is typically rejected):
  // enforced like a p=reject failure, since a reader may still be shown a protected domain.
  if (const auto refusal = from_refusal(v, policy)) {
    const std::string why = std::string(refusal->reason) + ": " + v.dmarc->reason;
    if (policy.enforce_dmarc_reject) {
      set_reject(v, "550", "5.7.1", std::string(refusal->reply), why);
      return;
    }
    if (policy.enforce_dmarc_quarantine) {
      v.action = Action::quarantine;
      v.reason = why + " (reject not enforced: quarantined)";
      return;
    }
  }
  // A From problem that is not acted on (observe only, or --accept-unusable-from) still says
  // what it was.
  std::string from_reason;
  if (v.dmarc && v.dmarc->status == dmarc::DmarcStatus::permerror &&
      v.dmarc->from_problem != dmarc::FromProblem::none) {
    from_reason = "DMARC permerror, not enforced: " + v.dmarc->reason;
  }

  // A DMARC failure whose policy is not enforced (p=none, or observe only) records why and goes
  // on to the later rules, so an SPF-fail rejection still applies to it when configured.
  std::string dmarc_reason;
  if (v.dmarc && v.dmarc->status == dmarc::DmarcStatus::fail) {
    const std::string& domain = v.dmarc->from_domain;
    if (v.arc_override.applies) {
      v.reason = "DMARC fail for " + domain + " overridden: " + v.arc_override.comment;
      return;
    }
    // A trusted forwarder sealed the chain but did not vouch for this message: say why, so the
    // site that trusts it can tell a refused override from a forwarder it forgot to list.
    const std::string refused = v.arc_override.refused
                                    ? "; trusted-sealer override refused: " + v.arc_override.comment
                                    : std::string();
    switch (v.dmarc->disposition) {
      case dmarc::Policy::reject:
        if (policy.enforce_dmarc_reject) {
          set_reject(v, "550", "5.7.1", "Email from " + domain + " rejected per its DMARC policy",
                     "DMARC fail, policy reject for " + domain + refused);
          return;
        }
        // Not enforcing reject still quarantines when quarantine is enforced: the sender asked
        // for at least that. With neither enforced (observe only) the mail is accepted.
        if (policy.enforce_dmarc_quarantine) {
          v.action = Action::quarantine;
          v.reason =
              "DMARC fail, policy reject for " + domain + " (not enforced: quarantined)" + refused;
          return;
        }
        dmarc_reason = "DMARC fail, policy reject for " + domain + " (not enforced)" + refused;
        break;
      case dmarc::Policy::quarantine:
        if (policy.enforce_dmarc_quarantine) {
          v.action = Action::quarantine;
          v.reason = "DMARC fail, policy quarantine for " + domain + refused;
          return;
        }
        dmarc_reason = "DMARC fail, policy quarantine for " + domain + " (not enforced)" + refused;
        break;
      case dmarc::Policy::none:
        dmarc_reason = "DMARC fail for " + domain + ", policy none" + refused;
        break;
    }
  }

  // The author's own SPF or DKIM DNS failed and nothing else aligned: under an enforced reject
  // or quarantine the mail is neither taken in nor refused for good, but asked again later
  // (accepting it would let anyone behind a broken delegation of the domain through; a 5xx
  // would bounce the domain's own mail over a DNS hiccup).
  if (v.dmarc && v.dmarc->status == dmarc::DmarcStatus::temperror && v.dmarc->aligned_temperror &&
      v.arc_override.applies) {
    v.reason =
        "DMARC temperror for " + v.dmarc->from_domain + " overridden: " + v.arc_override.comment;
    return;
  }
  if (v.dmarc && v.dmarc->status == dmarc::DmarcStatus::temperror && v.dmarc->aligned_temperror &&
      ((v.dmarc->disposition == dmarc::Policy::reject &&
        (policy.enforce_dmarc_reject || policy.enforce_dmarc_quarantine)) ||
       (v.dmarc->disposition == dmarc::Policy::quarantine && policy.enforce_dmarc_quarantine))) {
    v.action = Action::tempfail;
    v.reply = {"451", "4.4.3",
               "Temporary DNS failure authenticating email from " + v.dmarc->from_domain +
                   "; try again later"};
    v.reason = "DMARC temperror, policy " + std::string(dmarc::to_string(v.dmarc->disposition)) +
               " for " + v.dmarc->from_domain + ": " + v.dmarc->reason;
    return;
  }

  if (v.dmarc && v.dmarc->status == dmarc::DmarcStatus::temperror &&
      policy.tempfail_on_dmarc_temperror) {
    v.action = Action::tempfail;
    v.reply = {"451", "4.4.3", "Temporary DNS failure evaluating DMARC; try again later"};
    v.reason = "DMARC temperror: " + v.dmarc->reason;
    return;
  }

  const bool dmarc_passed = v.dmarc && v.dmarc->status == dmarc::DmarcStatus::pass;
  if (policy.reject_spf_fail && !dmarc_passed && v.spf_mailfrom &&
      v.spf_mailfrom->verdict == spf::SpfVerdict::fail) {
    std::string text = v.spf_mailfrom->explanation.empty()
                           ? "SPF validation failed for " + v.spf_mailfrom->domain
                           : "SPF validation failed: " + v.spf_mailfrom->explanation;
    set_reject(v, "550", "5.7.23", std::move(text), "SPF fail for " + v.spf_mailfrom->domain);
    return;
  }

  if (!dmarc_reason.empty()) {
    v.reason = std::move(dmarc_reason);
  } else if (!from_reason.empty()) {
    v.reason = std::move(from_reason);
  } else if (v.dmarc) {
    v.reason = "DMARC " + std::string(dmarc::to_string(v.dmarc->status));
    if (!v.dmarc->from_domain.empty()) v.reason += " for " + v.dmarc->from_domain;
  } else if (v.dmarc_ignored) {
    v.reason = "DMARC not evaluated: author domain on the ignore list";
  } else {
    v.reason = "no DMARC verdict";
  }
}

}  // namespace senderauth::pipeline
