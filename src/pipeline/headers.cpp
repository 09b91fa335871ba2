#include "pipeline/headers.hpp"

#include <string>
#include <vector>

#include "senderauth/authres/clause.hpp"
#include "senderauth/authres/format.hpp"
#include "senderauth/message/header_field.hpp"
#include "senderauth/pipeline/authres_clauses.hpp"
#include "senderauth/spf/received_spf.hpp"

namespace senderauth::pipeline {

namespace {

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
  if (v.arc) results.clauses.push_back(arc_clause(*v.arc, envelope.client_ip));
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
