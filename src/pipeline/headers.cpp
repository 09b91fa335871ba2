#include "pipeline/headers.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "senderauth/authres/clause.hpp"
#include "senderauth/authres/format.hpp"
#include "senderauth/core/idna.hpp"
#include "senderauth/core/utf8.hpp"
#include "senderauth/message/header_field.hpp"
#include "senderauth/pipeline/authres_clauses.hpp"
#include "senderauth/spf/received_spf.hpp"

namespace senderauth::pipeline {

namespace {

std::string format_or_fallback(const authres::AuthResults& results, bool utf8) {
  authres::FormatOptions options;
  options.allow_utf8 = utf8;
  auto field = authres::format_field(results, options);
  if (field.ok()) return std::move(field).value();
  // Only an authserv-id the writer refuses makes formatting fail (LocalPolicy::authserv_id):
  // say so rather than write nothing, but never with the id as given, which could break the
  // field or start a new one. Sanitised and quoted as any value is, it stays one valid field.
  return std::string(authres::kFieldName) + ": " +
         authres::quote_value(authres::sanitize_value(results.authserv_id)) + "; none\r\n";
}

}  // namespace

std::string build_authres(const LocalPolicy& policy, const Envelope& envelope, const Verdict& v,
                          bool internationalised) {
  authres::AuthResults results;
  results.authserv_id = policy.authserv_id;
  results.clauses.reserve(6 + v.dkim.size());
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
  return format_or_fallback(results, internationalised);
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
  // A SASL name may be UTF-8 whatever the message is: it stays ASCII here ('?').
  return format_or_fallback(results, false);
}

std::string build_received_spf(const LocalPolicy& policy, const spf::SpfResult& result,
                               bool internationalised) {
  return message::fold(spf::format_received_spf(result, policy.authserv_id, internationalised)) +
         "\r\n";
}

bool is_internationalised(const Envelope& envelope, const Verdict& v,
                          const message::HeaderList& headers) {
  if (!is_ascii(envelope.mail_from)) return true;
  // A DKIM i= decodes to UTF-8 from "=C3=B6" in an all-ASCII message too: the header section
  // decides, and it is only read in that rare case.
  const bool utf8_identity =
      std::ranges::any_of(v.dkim, [](const auto& d) { return !is_ascii(d.identity); });
  // A legacy 8-bit field (Latin-1) makes no message internationalised: RFC 6532 is UTF-8.
  return utf8_identity && std::ranges::any_of(headers, [](const auto& h) {
           return !is_ascii(h.raw()) && is_valid_utf8(h.raw());
         });
}

}  // namespace senderauth::pipeline
