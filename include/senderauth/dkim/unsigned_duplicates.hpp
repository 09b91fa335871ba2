// What a signature that verifies leaves unsigned in the header section, where mail readers
// look: copies of fields RFC 5322 allows once (Subject, From, To, Date...) that h= does not
// select (RFC 6376 8.15), and, when l= leaves part of the body unsigned, a Content-Type that
// h= does not cover (RFC 6376 8.2). DKIM verification and the ARC trusted-sealer rule both ask.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "senderauth/message/header_field.hpp"

namespace senderauth::dkim {

// How many copies of each of message::kSingleInstanceFields a header section has: fields of
// that name, and copies hidden behind a bare CR inside another field ("X-Pad: a\rSubject: x"),
// which a reader that ends lines at a bare CR (Python's email package) shows and no h= entry
// names.
struct SingleInstanceCounts {
  std::array<std::uint32_t, message::kSingleInstanceFieldCount> copies{};
  bool behind_bare_cr = false;  // some copy is hidden behind a bare CR
};
SingleInstanceCounts count_single_instance_fields(const message::HeaderList& headers);

// "2 Subject fields, 1 signed" for each field that `signed_names` (an h= list) names and of
// which `headers` has an unsigned copy (one above the copies h= selects bottom-up, or one
// behind a bare CR) whose value differs from every signed copy's, joined by "; "; empty when
// there is none. Values compare in relaxed form (RFC 6376 3.4.2): a copy equal to a signed one
// shows a reader nothing the signer did not sign, and web mailers write Content-Type twice and
// PHP's mail() To twice. `in_message` is count_single_instance_fields(headers).
std::string describe_unsigned_duplicates(const std::vector<std::string>& signed_names,
                                         const message::HeaderList& headers,
                                         const SingleInstanceCounts& in_message);

// The fields that decide how a body is read (Content-Type, Content-Transfer-Encoding) that the
// message has and `signed_names` does not name: "Content-Type" or "Content-Type and
// Content-Transfer-Encoding"; empty when h= covers each one the message has. With unsigned
// body bytes after l=, an added Content-Type with a new boundary makes the signed text an
// unseen preamble and the appended part the message a reader shows.
std::string unsigned_body_structure(const std::vector<std::string>& signed_names,
                                    const SingleInstanceCounts& in_message);

// What to do with a signature that verifies but whose l= leaves part of the body unsigned.
enum class PartialBody : std::uint8_t {
  accept,  // pass; the reason counts the unsigned bytes
  // policy when the message's Content-Type or Content-Transfer-Encoding is unsigned
  // (unsigned_body_structure()); otherwise pass as `accept`
  refuse_unsigned_structure,
  refuse,  // policy: RFC 6376 8.2, the unsigned text was not vouched for
};

}  // namespace senderauth::dkim
