#include "pipeline/headers.hpp"

#include <string>
#include <vector>

#include "senderauth/authres/clause.hpp"
#include "senderauth/authres/format.hpp"
#include "senderauth/message/header_field.hpp"
#include "senderauth/spf/received_spf.hpp"

namespace senderauth::pipeline {

namespace {

std::string spf_comment(const spf::SpfResult& r) {
  if (!r.problem.empty()) return r.problem;
  if (!r.mechanism.empty()) return "matched " + r.mechanism;
  return {};
}

authres::Clause spf_clause(const spf::SpfResult& r, authres::SpfScope scope) {
  const std::string& identity = scope == authres::SpfScope::helo ? r.helo : r.sender;
  return authres::make_spf_clause(spf::to_string(r.verdict), scope, identity, spf_comment(r));
}

authres::Clause dkim_clause(const dkim::DkimResult& r) {
  authres::DkimClauseInput in;
  in.result = dkim::to_string(r.status);
  in.domain = r.domain;
  in.identity = r.identity;
  in.selector = r.selector;
  in.algorithm = r.algorithm;
  in.b_prefix = r.header_b;
  if (r.status != dkim::DkimStatus::pass || r.testing) in.comment = r.reason;
  return authres::make_dkim_clause(in);
}

authres::Clause dmarc_clause(const dmarc::DmarcResult& r, const arc::ForwarderOverride& o) {
  std::string comment = r.reason;
  if (o.applies) {
    comment += comment.empty() ? "" : "; ";
    comment += "accepted: " + o.comment;
  }
  std::string policy = r.policy ? std::string(dmarc::to_string(*r.policy)) : std::string();
  return authres::make_dmarc_clause(dmarc::to_string(r.status), r.from_domain, policy, comment);
}

std::string format_or_fallback(const authres::AuthResults& results) {
  auto field = authres::format_field(results);
  if (field.ok()) return std::move(field).value();
  // Only a broken authserv-id makes formatting fail; say so rather than write nothing.
  return std::string(authres::kFieldName) + ": " + results.authserv_id + "; none\r\n";
}

}  // namespace

std::string build_authres(const LocalPolicy& policy, const Envelope& envelope, const Verdict& v) {
  authres::AuthResults results;
  results.authserv_id = policy.authserv_id;
  if (v.iprev) {
    results.clauses.push_back(authres::make_iprev_clause(iprev::to_string(v.iprev->status),
                                                         envelope.client_ip, v.iprev->comment()));
  }
  if (v.spf_mailfrom)
    results.clauses.push_back(spf_clause(*v.spf_mailfrom, authres::SpfScope::mailfrom));
  if (v.spf_helo) results.clauses.push_back(spf_clause(*v.spf_helo, authres::SpfScope::helo));
  if (v.dkim.empty()) {
    authres::Clause none;
    none.method = "dkim";
    none.result = "none";
    results.clauses.push_back(std::move(none));
  }
  for (const auto& d : v.dkim) results.clauses.push_back(dkim_clause(d));
  if (v.arc) {
    std::optional<int> oldest;
    if (v.arc->status == arc::ChainStatus::pass) oldest = v.arc->oldest_pass;
    std::string comment = v.arc->status == arc::ChainStatus::fail ? v.arc->reason : "";
    results.clauses.push_back(authres::make_arc_clause(arc::to_string(v.arc->status), oldest,
                                                       envelope.client_ip, v.arc->sealing_domains(),
                                                       comment));
  }
  if (v.dmarc) results.clauses.push_back(dmarc_clause(*v.dmarc, v.arc_override));
  return format_or_fallback(results);
}

std::string build_skipped_authres(const LocalPolicy& policy, const Envelope& envelope) {
  authres::AuthResults results;
  results.authserv_id = policy.authserv_id;
  if (!envelope.authenticated_user.empty()) {
    authres::Clause auth;
    auth.method = "auth";
    auth.result = "pass";
    auth.add_property("smtp", "auth", envelope.authenticated_user);
    results.clauses.push_back(std::move(auth));
  }
  return format_or_fallback(results);
}

std::string build_received_spf(const LocalPolicy& policy, const spf::SpfResult& result) {
  return message::fold(spf::format_received_spf(result, policy.authserv_id)) + "\r\n";
}

}  // namespace senderauth::pipeline
