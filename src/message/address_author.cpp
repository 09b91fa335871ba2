#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

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

namespace {

// How a walk over the From fields' mailboxes ended: at a field or mailbox author_domains()
// refuses (`error`), past limits.max_author_mailboxes (`capped`, the fields after the one that
// went over unread), or at the end.
struct WalkEnd {
  std::optional<std::string> error;
  bool capped = false;
};

// Reads the From field values in order and hands each mailbox of a field that is usable to
// `visit(mailbox, mailboxes in its field)`; author_domains(), several_authors() and
// too_many_authors() read them the same way, so that they agree on where a walk ends.
template <class Visit>
WalkEnd walk_mailboxes(const std::vector<std::string>& from_values, const AddressLimits& limits,
                       Visit&& visit) {
  std::size_t total = 0;
  for (const std::string& value : from_values) {
    bool over_mailbox_limit = false;
    auto list = parse_address_list(value, limits, over_mailbox_limit);
    // One field listing more mailboxes than are read is as many authors as several fields.
    if (!list && over_mailbox_limit) return {std::nullopt, true};
    if (!list) return {"unparseable From field: " + list.reason()};
    if (list->mailboxes.empty()) return {"From field has no mailbox (empty group)"};
    total += list->mailboxes.size();
    if (total > limits.max_author_mailboxes) return {std::nullopt, true};
    for (Mailbox& mailbox : list->mailboxes) {
      if (mailbox.domain_literal) {
        return {"From address " + mailbox.address() +
                " has a domain literal, which has no DMARC policy"};
      }
      visit(mailbox, list->mailboxes.size());
    }
  }
  return {};
}

}  // namespace

Result<AuthorDomains> author_domains(const std::vector<std::string>& from_values,
                                     MultipleFromPolicy policy, const AddressLimits& limits) {
  if (from_values.empty()) return make_error("no From field");
  const bool reject_multiple = policy == MultipleFromPolicy::reject;
  if (reject_multiple && from_values.size() > 1) {
    return make_error(std::to_string(from_values.size()) + " From fields, where one is allowed");
  }
  AuthorDomains out;
  std::unordered_set<std::string> keys;  // out.domains as A-labels
  std::size_t field_mailboxes = 0;
  const WalkEnd end =
      walk_mailboxes(from_values, limits, [&](Mailbox& mailbox, std::size_t in_field) {
        field_mailboxes = in_field;
        if (keys.insert(same_domain_key(mailbox.domain)).second) {
          out.domains.push_back(mailbox.domain);
        }
        out.mailboxes.push_back(std::move(mailbox));
      });
  if (end.error) return make_error(*end.error);
  if (end.capped) {
    const std::string fields = from_values.size() == 1
                                   ? std::string("one From field")
                                   : std::to_string(from_values.size()) + " From fields";
    return make_error("more than " + std::to_string(limits.max_author_mailboxes) +
                      " author mailboxes in " + fields + ", where at most " +
                      std::to_string(limits.max_author_mailboxes) + " are read");
  }
  // Under reject there is one field (above): its domains are all there is.
  if (reject_multiple && out.domains.size() > 1) {
    return make_error("From field lists " + std::to_string(field_mailboxes) + " mailboxes in " +
                      std::to_string(out.domains.size()) +
                      " domains, where one author domain is allowed");
  }
  return out;
}

bool several_authors(const std::vector<std::string>& from_values, const AddressLimits& limits) {
  // With several fields the answer is known; the walk checks that they can all be read.
  bool several = from_values.size() > 1;
  std::optional<std::string> first_key;
  const WalkEnd end = walk_mailboxes(from_values, limits, [&](Mailbox& mailbox, std::size_t) {
    if (several) return;
    std::string key = same_domain_key(mailbox.domain);
    if (!first_key) {
      first_key = std::move(key);
    } else if (key != *first_key) {
      several = true;
    }
  });
  if (end.error) return false;
  return several;  // also when capped: too_many_authors() tells that apart
}

bool too_many_authors(const std::vector<std::string>& from_values, const AddressLimits& limits) {
  return walk_mailboxes(from_values, limits, [](Mailbox&, std::size_t) {}).capped;
}

}  // namespace senderauth::message
