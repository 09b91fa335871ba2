#include <algorithm>
#include <string>
#include <string_view>

#include "senderauth/core/domain_name.hpp"
#include "senderauth/core/idna.hpp"
#include "senderauth/message/address_author.hpp"

namespace senderauth::message {

namespace {

// One author domain however it is written (case, U-labels or A-labels). A name that cannot be
// converted stays as it is; DMARC reports it when it evaluates that domain.
std::string same_domain_key(const std::string& domain) {
  auto ascii = domain_to_a_labels(domain);
  return ascii ? *ascii : domain;
}

}  // namespace

std::vector<std::string> from_field_values(const HeaderList& headers) {
  std::vector<std::string> out;
  for (const HeaderField& field : headers) {
    // A From field with a bare CR in it is refused by the address parser on its own.
    if (field.is("From")) {
      out.emplace_back(field.value());
      continue;
    }
    for (std::string& hidden : values_behind_bare_cr(field, "From")) {
      out.push_back(std::move(hidden));
    }
  }
  return out;
}

Result<AuthorDomains> author_domains(const std::vector<std::string>& from_values,
                                     MultipleFromPolicy policy, const AddressLimits& limits) {
  if (from_values.empty()) return make_error("no From field");
  const bool reject_multiple = policy == MultipleFromPolicy::reject;
  if (reject_multiple && from_values.size() > 1) {
    return make_error(std::to_string(from_values.size()) + " From fields, where one is allowed");
  }
  AuthorDomains out;
  std::vector<std::string> keys;  // out.domains as A-labels
  for (const std::string& value : from_values) {
    auto list = parse_address_list(value, limits);
    if (!list) return make_error("unparseable From field: " + list.reason());
    if (list->mailboxes.empty()) return make_error("From field has no mailbox (empty group)");
    for (Mailbox& mailbox : list->mailboxes) {
      if (mailbox.domain_literal) {
        return make_error("From address " + mailbox.address() +
                          " has a domain literal, which has no DMARC policy");
      }
      std::string key = same_domain_key(mailbox.domain);
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
        keys.push_back(std::move(key));
        out.domains.push_back(mailbox.domain);
      }
      out.mailboxes.push_back(std::move(mailbox));
    }
    if (reject_multiple && out.domains.size() > 1) {
      return make_error("From field lists " + std::to_string(list->mailboxes.size()) +
                        " mailboxes in " + std::to_string(out.domains.size()) +
                        " domains, where one author domain is allowed");
    }
  }
  return out;
}

bool several_authors(const std::vector<std::string>& from_values, const AddressLimits& limits) {
  auto each = author_domains(from_values, MultipleFromPolicy::evaluate_each, limits);
  return each.ok() && (from_values.size() > 1 || each->domains.size() > 1);
}

}  // namespace senderauth::message
