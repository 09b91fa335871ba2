#include "senderauth/authres/clause.hpp"

#include <string>

#include "authres/token_chars.hpp"
#include "senderauth/core/domain_name.hpp"

namespace senderauth::authres {

namespace {

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

}  // namespace

bool is_keyword(std::string_view text) {
  if (text.empty() || text.back() == '-') return false;
  for (char c : text) {
    if (!is_alnum(c) && c != '-') return false;
  }
  return true;
}

bool is_token(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!is_token_char(c)) return false;
  }
  return true;
}

Clause& Clause::add_property(std::string_view ptype, std::string_view name,
                             std::string_view value) {
  properties.push_back(Property{std::string(ptype), std::string(name), std::string(value)});
  return *this;
}

const Property* Clause::find(std::string_view ptype, std::string_view name) const {
  for (const auto& p : properties) {
    if (iequals(p.ptype, ptype) && iequals(p.name, name)) return &p;
  }
  return nullptr;
}

namespace {

Clause start(std::string_view method, std::string_view result, std::string_view comment,
             std::size_t properties) {
  Clause c;
  c.properties.reserve(properties);
  c.method = std::string(method);
  c.result = std::string(result);
  c.comment = std::string(comment);
  return c;
}

void add_if(Clause& c, std::string_view ptype, std::string_view name, std::string_view value) {
  if (!value.empty()) c.add_property(ptype, name, value);
}

}  // namespace

Clause make_iprev_clause(std::string_view result, const IpAddress& client_ip,
                         std::string_view comment) {
  Clause c = start("iprev", result, comment, 1);
  c.add_property("policy", "iprev", client_ip.unmapped().to_string());
  return c;
}

Clause make_spf_clause(std::string_view result, SpfScope scope, std::string_view identity,
                       std::string_view comment) {
  Clause c = start("spf", result, comment, 1);
  // The property is written even when empty: a null MAIL FROM is still what was checked.
  c.add_property("smtp", scope == SpfScope::mailfrom ? "mailfrom" : "helo", identity);
  return c;
}

Clause make_dkim_clause(const DkimClauseInput& input) {
  Clause c = start("dkim", input.result, input.comment, 5);
  c.reason = std::string(input.reason);
  add_if(c, "header", "d", input.domain);
  add_if(c, "header", "i", input.identity);
  add_if(c, "header", "s", input.selector);
  add_if(c, "header", "a", input.algorithm);
  add_if(c, "header", "b", input.b_prefix);
  return c;
}

Clause make_arc_clause(std::string_view result, std::optional<int> oldest_pass,
                       const std::optional<IpAddress>& remote_ip,
                       const std::vector<std::string>& chain, std::string_view comment) {
  Clause c = start("arc", result, comment, 3);
  if (oldest_pass) c.add_property("header", "oldest-pass", std::to_string(*oldest_pass));
  if (remote_ip) c.add_property("smtp", "remote-ip", remote_ip->unmapped().to_string());
  if (!chain.empty()) {
    std::string joined;
    for (const auto& domain : chain) {
      if (!joined.empty()) joined += ':';
      joined += domain;
    }
    c.add_property("arc", "chain", joined);
  }
  return c;
}

Clause make_dmarc_clause(std::string_view result, std::string_view header_from,
                         std::string_view policy, std::string_view comment) {
  Clause c = start("dmarc", result, comment, 2);
  add_if(c, "header", "from", header_from);
  add_if(c, "policy", "dmarc", policy);
  return c;
}

}  // namespace senderauth::authres
