// The RFC 5322 address-list parser, RFC 2047 decoding and author_domains on arbitrary bytes:
// no crash, limits hold, and every accepted mailbox has a domain that passes the domain check
// again unchanged (the parser never hands on a domain it would itself refuse), and a local part
// without control characters.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "senderauth/message/address.hpp"
#include "senderauth/message/address_author.hpp"
#include "senderauth/message/address_encoded_word.hpp"

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace senderauth::message;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  AddressLimits limits;
  limits.max_mailboxes = 64;
  auto list = parse_address_list(text, limits);
  if (!list) {
    check(!list.reason().empty());
  } else {
    check(list->mailboxes.size() <= limits.max_mailboxes);
    check(!list->mailboxes.empty() || list->groups > 0);
    for (const Mailbox& m : list->mailboxes) {
      // No control character but HTAB reaches a local part: a reader may end a line at a CR or
      // cut the string at a NUL, and show another address than the one judged.
      for (const char c : m.local_part) {
        const auto byte = static_cast<unsigned char>(c);
        check((byte >= 0x20 || c == '\t') && byte != 0x7f);
      }
      if (m.domain_literal) {
        check(m.domain.size() >= 2 && m.domain.front() == '[' && m.domain.back() == ']');
        continue;
      }
      auto again = normalize_address_domain(m.domain);
      check(again.ok() && *again == m.domain);
      // The printed address parses back to the same domain.
      auto round = parse_address_list(m.address(), limits);
      check(round.ok() && round->mailboxes.size() == 1 && round->mailboxes[0].domain == m.domain);
    }
  }
  // Split at the first NUL into two From fields, to exercise the multiple-field policies.
  std::vector<std::string> fields;
  const std::size_t nul = text.find('\0');
  fields.emplace_back(text.substr(0, nul));
  if (nul != std::string_view::npos) fields.emplace_back(text.substr(nul + 1));
  for (MultipleFromPolicy policy :
       {MultipleFromPolicy::reject, MultipleFromPolicy::evaluate_each}) {
    auto authors = author_domains(fields, policy, limits);
    if (authors) {
      check(!authors->domains.empty());
      if (policy == MultipleFromPolicy::reject) {
        check(fields.size() == 1 && authors->domains.size() == 1);
      }
    } else {
      check(!authors.reason().empty());
    }
  }
  // reject refuses exactly what evaluate_each accepts with several authors, plus broken values.
  // More mailboxes than are read (one field over the parser's limit, or all of them together)
  // is refused by both; several fields are still several authors then.
  const auto one = author_domains(fields, MultipleFromPolicy::reject, limits);
  const auto each = author_domains(fields, MultipleFromPolicy::evaluate_each, limits);
  const bool several = several_authors(fields, limits);
  if (too_many_authors(fields, limits)) {
    check(!one.ok() && !each.ok());
    check(several == (fields.size() > 1));
  } else {
    check(several == (each.ok() && (fields.size() > 1 || each->domains.size() > 1)));
  }
  check(!several || !one.ok());
  check(!one.ok() || each.ok());
  (void)decode_phrase(text);
  (void)decode_encoded_word(text);
  return 0;
}
