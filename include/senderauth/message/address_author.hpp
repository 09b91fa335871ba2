// The author domains of a message (RFC 7489 / RFC 9989 "RFC5322.From domain") from the raw
// values of its From: fields.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "senderauth/core/result.hpp"
#include "senderauth/message/address.hpp"
#include "senderauth/message/header_field.hpp"

namespace senderauth::message {

enum class MultipleFromPolicy : std::uint8_t {
  // Several From fields, or one From field whose mailboxes are in different domains, are an
  // error (OpenDMARC's RejectMultiValueFrom), which the pipeline turns into a rejection: the
  // safe default, as RFC 5322 allows one field and RFC 7489 6.6.1 notes that such mail is
  // typically rejected. Several mailboxes in one domain are that one author domain.
  reject,
  // Every distinct domain is returned; the DMARC caller evaluates each and keeps the strictest
  // (RFC 7489 6.6.1).
  evaluate_each,
};

struct AuthorDomains {
  std::vector<std::string> domains;  // distinct (as A-labels), in order of appearance, normalised
  std::vector<Mailbox> mailboxes;    // every author mailbox found
};

// `from_values` holds the value of each From field (after the colon, folding allowed).
// Errors: no From field; an unparseable value (the parser's reason); a field without any
// mailbox (an empty group); a domain literal; more than limits.max_author_mailboxes mailboxes
// in all (too_many_authors() tells this one apart); and, under `reject`, several fields or
// mailboxes in several domains (several_authors() tells these apart from the others).
Result<AuthorDomains> author_domains(const std::vector<std::string>& from_values,
                                     MultipleFromPolicy policy = MultipleFromPolicy::reject,
                                     const AddressLimits& limits = {});

// The From field values of a header section, as author_domains() takes them: the value of each
// From field, and the value of each From field that a reader ending lines at a bare CR finds
// inside another field ("X-Pad: a\rFrom: Bank <user@bank.test>\r\r..."; Python's email package
// does, and a bare CR followed by a second CR ends the header section there). Such a field is
// an author a reader may show, so it counts as another From field: several_authors() holds,
// and evaluating each author applies the hidden domain's policy too.
std::vector<std::string> from_field_values(const HeaderList& headers);

// True when `from_values` names more than one author in the sense `reject` refuses: several
// From fields, or mailboxes in more than one domain, all of them parseable. The fields are read
// up to limits.max_author_mailboxes mailboxes (several fields that go over count as several
// authors), and only until a second domain is seen are domains compared.
bool several_authors(const std::vector<std::string>& from_values, const AddressLimits& limits = {});

// True when author_domains() refuses `from_values` for holding more than
// limits.max_author_mailboxes mailboxes (reading stops there).
bool too_many_authors(const std::vector<std::string>& from_values,
                      const AddressLimits& limits = {});

}  // namespace senderauth::message
