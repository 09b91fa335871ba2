#include <algorithm>
#include <string>

#include "senderauth/message/address_author.hpp"

namespace senderauth::message {

Result<AuthorDomains> author_domains(const std::vector<std::string>& from_values,
                                     MultipleFromPolicy policy, const AddressLimits& limits) {
  if (from_values.empty()) return make_error("no From field");
  const bool reject_multiple = policy == MultipleFromPolicy::reject;
  if (reject_multiple && from_values.size() > 1) {
    return make_error(std::to_string(from_values.size()) + " From fields (one is allowed)");
  }
  AuthorDomains out;
  for (const std::string& value : from_values) {
    auto list = parse_address_list(value, limits);
    if (!list) return make_error("unparseable From field: " + list.reason());
    if (list->mailboxes.empty()) return make_error("From field has no mailbox (empty group)");
    if (reject_multiple && list->mailboxes.size() > 1) {
      return make_error("From field lists " + std::to_string(list->mailboxes.size()) +
                        " mailboxes (one is allowed)");
    }
    for (Mailbox& mailbox : list->mailboxes) {
      if (mailbox.domain_literal) {
        return make_error("From address " + mailbox.address() +
                          " has a domain literal, which has no DMARC policy");
      }
      if (std::find(out.domains.begin(), out.domains.end(), mailbox.domain) == out.domains.end()) {
        out.domains.push_back(mailbox.domain);
      }
      out.mailboxes.push_back(std::move(mailbox));
    }
  }
  return out;
}

}  // namespace senderauth::message
