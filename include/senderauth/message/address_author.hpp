// The author domains of a message (RFC 7489 / RFC 9989 "RFC5322.From domain") from the raw
// values of its From: fields.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "senderauth/core/result.hpp"
#include "senderauth/message/address.hpp"

namespace senderauth::message {

enum class MultipleFromPolicy : std::uint8_t {
  // Several From fields, or several mailboxes in one, are an error (OpenDMARC's
  // RejectMultiValueFrom): the safe default, as RFC 5322 allows one field and RFC 7489 6.6.1
  // lets a receiver reject such mail.
  reject,
  // Every distinct domain is returned; the DMARC caller evaluates each and keeps the strictest.
  evaluate_each,
};

struct AuthorDomains {
  std::vector<std::string> domains;  // distinct, in order of appearance, normalised
  std::vector<Mailbox> mailboxes;    // every author mailbox found
};

// `from_values` holds the value of each From field (after the colon, folding allowed).
// Errors: no From field; an unparseable value (the parser's reason); a field without any
// mailbox (an empty group); a domain literal; and, under `reject`, several fields or mailboxes.
Result<AuthorDomains> author_domains(const std::vector<std::string>& from_values,
                                     MultipleFromPolicy policy = MultipleFromPolicy::reject,
                                     const AddressLimits& limits = {});

}  // namespace senderauth::message
