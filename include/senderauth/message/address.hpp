// RFC 5322 address lists (3.4) as From:, Sender: and To: carry them: display names (phrases,
// quoted strings, RFC 2047 encoded words), nested comments, groups (RFC 6854 allows them in
// From:), angle addresses with obsolete routes, and the obsolete forms of 4.4 (empty list
// elements, CFWS between dots, phrases with dots).
//
// Documented leniencies, all of which leave the domain unambiguous:
//  - a group whose closing ";" is missing at the very end of the value is accepted, and so is
//    a ";" after the last address outside a group;
//  - display-name words followed by "," and no address ("Smith, Alice <alice@d>": the sender
//    did not quote the comma) are skipped; they name no mailbox. Not when a word has an '@'
//    or is shaped like an encoded word, which a reader may decode to an address;
//  - words in brackets in a display name ("[External] Alice <alice@d>") are display-name
//    words, when no '@', '<', '>', quote, ',', ';', ':' or backslash is between them;
//  - a local part whose words are separated by whitespace instead of dots ("\"x\" joe@d") is
//    accepted as one local part (Python's email package and OpenDMARC read it the same way),
//    unless a word has an '@': "\"user@bank.example\" x@attacker.example" reads as an address;
//  - an address written bare before an angle address in the same domain, as broken mailers
//    write "joe@d <joe@d>", is read as the angle address. In another domain it stays an error:
//    "ceo@bank.example <x@attacker.example>" names two domains, and readers differ on which
//    one they show.
// CR and LF are allowed only as the line break of a fold, CRLF (or LF) before a space or tab,
// or at the end: some readers end a line at a bare CR, and what follows it would be a field of
// its own to them ("(\rFrom: Bank <user@bank.example>\r) x@attacker.example"). The other
// control characters but HTAB, and DEL, are refused in quotes, comments and domain literals,
// escaped or not (RFC 5322 4.1 allows them): a reader may cut a string at a NUL.
// Everything else that is not RFC 5322 is an error whose reason names the position. So is a
// local part with a word shaped like an RFC 2047 encoded word ("=?" ... "?="), quoted or not:
// RFC 2047 5 (3) forbids one in an addr-spec, yet readers decode it there, and Python's email
// package shows "=?utf-8?q?user=40bank.example?= x@attacker.example" as user@bank.example.
//
// Domains: lower-cased in ASCII only. A-labels ("xn--...") are kept as written; U-labels
// (RFC 6532 UTF-8) are kept byte for byte (no IDNA conversion here), only validated as UTF-8;
// DMARC converts them to A-labels before using them (core/idna.hpp, RFC 8616).
// Labels must be 1..63 octets and must not begin or end with a hyphen; the name must not end
// with a dot and must be at most 253 octets. For a name with U-labels these lengths are those of
// its A-labels, which it must convert to (domain_to_a_labels()), not those of the UTF-8. A domain
// literal ("[192.0.2.1]") is kept with its brackets and flagged.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "senderauth/core/result.hpp"

namespace senderauth::message {

struct AddressLimits {
  std::size_t max_input_bytes = 64 * 1024;  // one field value, folding included
  std::size_t max_mailboxes = 256;          // in the whole list, groups included
  std::size_t max_comment_depth = 16;       // nested "( ( ... ) )"
  // Author mailboxes in all the From fields of a message together (address_author.hpp): as
  // many as one field may list. More is refused, and the fields after the one that goes over
  // are not read: each author may cost a DMARC evaluation.
  std::size_t max_author_mailboxes = 256;
};

struct Mailbox {
  std::string display_name;  // unfolded, quotes removed, encoded words decoded to UTF-8
  std::string local_part;    // semantic form: quotes and quoted-pairs removed
  std::string domain;        // normalised as described above
  bool domain_literal = false;
  std::string group;  // name of the group the mailbox was listed in, if any

  // "local@domain", the local part re-quoted when it is not a dot-atom.
  std::string address() const;
};

struct AddressList {
  std::vector<Mailbox> mailboxes;    // groups flattened, in order
  std::size_t groups = 0;            // how many groups were listed (empty ones included)
  std::vector<std::string> defects;  // leniencies used, for logs
};

// Parses a whole field value (what follows the colon; folding may be present).
Result<AddressList> parse_address_list(std::string_view value, const AddressLimits& limits = {});
// The same, and whether it failed for holding more than limits.max_mailboxes mailboxes: the
// From check counts such a field as too many authors, not as an unreadable one.
Result<AddressList> parse_address_list(std::string_view value, const AddressLimits& limits,
                                       bool& over_mailbox_limit);

// Checks and normalises one domain as it follows "@" (no CFWS, no brackets).
Result<std::string> normalize_address_domain(std::string_view domain);

// True when `text` is a valid RFC 5322 dot-atom (what a local part needs to go unquoted).
bool is_dot_atom(std::string_view text);

}  // namespace senderauth::message
