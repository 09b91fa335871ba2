#include "senderauth/pipeline/authres_clauses.hpp"

#include <string>
#include <utility>

#include "senderauth/authres/format.hpp"
#include "senderauth/spf/spf_identity.hpp"

namespace senderauth::pipeline {

namespace {

std::string spf_comment(const spf::SpfResult& r) {
  if (!r.problem.empty()) return r.problem;
  if (!r.mechanism.empty()) return "matched " + r.mechanism;
  return {};
}

}  // namespace

authres::Clause spf_clause(const spf::SpfResult& r, authres::SpfScope scope) {
  // smtp.helo: the A-labels that were checked, as smtp.mailfrom gives them (RFC 8616).
  const std::string identity =
      scope == authres::SpfScope::helo ? spf::helo_domain(r.helo) : r.sender;
  return authres::make_spf_clause(spf::to_string(r.verdict), scope, identity, spf_comment(r));
}

authres::Clause dkim_clause(const dkim::DkimResult& r) {
  authres::DkimClauseInput in;
  in.result = dkim::to_string(r.status);
  in.domain = r.domain;
  in.identity = r.identity;
  in.selector = r.selector;
  in.algorithm = r.algorithm;
  // RFC 6008: the shortest prefix that tells this signature from the message's others; before
  // assign_unique_b_prefixes() has run, the whole value.
  in.b_prefix = r.header_b.empty() ? std::string_view(r.signature_text) : r.header_b;
  in.comment = r.reason;  // on pass the key ("2048-bit rsa key"), else what went wrong
  return authres::make_dkim_clause(in);
}

authres::Clause arc_clause(const arc::ArcResult& r, const std::optional<IpAddress>& remote_ip) {
  if (r.status == arc::ChainStatus::none) {
    authres::Clause none;
    none.method = "arc";
    none.result = "none";
    return none;
  }
  std::optional<int> oldest;
  std::string comment;
  if (r.status == arc::ChainStatus::pass) {
    oldest = r.oldest_pass;
    comment = "i=" + std::to_string(r.instances);
  } else {
    comment = r.reason;
  }
  return authres::make_arc_clause(arc::to_string(r.status), oldest, remote_ip, r.sealing_domains(),
                                  comment);
}

authres::Clause dmarc_clause(const dmarc::DmarcResult& r, const arc::ForwarderOverride& o) {
  std::string comment = r.reason;
  if (o.applies) {
    comment += comment.empty() ? "" : "; ";
    comment += "accepted: " + o.comment;
  }
  // policy.dmarc is "the evaluated DMARC policy applied/to be applied after policy options
  // including pct: and sp: have been processed" (the IANA A-R registry, RFC 7489): for a
  // failure that is the disposition, which pct sampling or t=y may have lowered; filters
  // downstream act on it. The comment says why it differs from the record's.
  // A failure a trusted forwarder's ARC set vouched for is accepted on purpose: no policy is
  // applied (RFC 7489 7.2's trusted_forwarder override), so none is what filters should act on.
  std::string policy;
  if (r.status == dmarc::DmarcStatus::fail && o.applies) {
    policy = dmarc::to_string(dmarc::Policy::none);
  } else if (r.status == dmarc::DmarcStatus::fail) {
    policy = dmarc::to_string(r.disposition);
  } else if (r.policy) {
    policy = dmarc::to_string(*r.policy);
  }
  return authres::make_dmarc_clause(dmarc::to_string(r.status), r.from_domain, policy, comment);
}

std::string clause_text(const authres::Clause& clause, bool allow_utf8) {
  authres::FormatOptions options;
  options.allow_utf8 = allow_utf8;
  auto text = authres::format_clause(clause, options);
  if (text.ok()) return std::move(text).value();
  return clause.method + "=" + clause.result;
}

}  // namespace senderauth::pipeline
