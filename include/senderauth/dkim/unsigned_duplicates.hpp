// What a signature that verifies leaves unsigned in the header section, where mail readers
// look: copies of fields RFC 5322 allows once (Subject, From, Date...) that h= does not select
// (RFC 6376 8.15), and, when l= leaves part of the body unsigned, whether what is appended can
// hide the signed text (RFC 6376 8.2). DKIM verification and the ARC trusted-sealer rule both
// ask.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "senderauth/message/header_field.hpp"

namespace senderauth::dkim {

// What a header section holds of message::kSingleInstanceFields, gathered once per message so
// that each signature's question costs no pass over the header section.
struct SingleInstanceFields {
  // Copies of each: fields of that name, and copies hidden behind a bare CR inside another
  // field ("X-Pad: a\rSubject: x"), which a reader that ends lines at a bare CR (Python's email
  // package) shows and no h= entry names.
  std::array<std::uint32_t, message::kSingleInstanceFieldCount> copies{};
  // Only for a field of more than one copy, or with a hidden one (rare): each copy's value as
  // compared (comparable_field_value()), the fields top to bottom, then the hidden copies;
  // `hidden` of them at the end.
  std::array<std::vector<std::string>, message::kSingleInstanceFieldCount> values;
  std::array<std::uint32_t, message::kSingleInstanceFieldCount> hidden{};
  // The bottom-most Content-Type's type/subtype, lower-cased ("text/html"): the one a signature
  // covers when h= names Content-Type. Empty without one; "?" when it cannot be read. Read by
  // read_media_type(), which only partial_body_risk() needs (a signature with l=, rare).
  std::string media_type;
  bool media_type_read = false;
};
SingleInstanceFields gather_single_instance_fields(const message::HeaderList& headers);
void read_media_type(SingleInstanceFields& fields, const message::HeaderList& headers);

// A value as the unsigned-copy rule compares it: unfolded and trimmed; runs of white space
// count as one, except in Content-Type, which is compared by meaning (case of type, subtype,
// parameter names and charset, quoting and spacing do not count; the boundary's every byte
// does; one that cannot be read is compared as written) and Content-Transfer-Encoding, whose
// case does not count.
std::string comparable_field_value(std::size_t field, std::string_view value);

// Whether a reader shows the field or acts on it (From, Sender, Reply-To, Subject, Date,
// Content-Type, Content-Transfer-Encoding): an unsigned copy of one is refused. To, Cc, Bcc,
// Message-ID, In-Reply-To and References are not: PHP's mail() writes a second To of another
// value when a script adds one, and a copy of them puts no words in the signer's mouth.
bool shown_to_reader(std::size_t field);

// "2 Subject fields, 1 signed" for each field shown to a reader that `signed_names` (an h=
// list) names and of which the message has an unsigned copy (one above the copies h= selects
// bottom-up, or one behind a bare CR) whose value differs from every signed copy's, joined by
// "; "; empty when there is none. A copy equal to a signed one shows a reader nothing the
// signer did not sign: web mailers write Content-Type twice.
std::string describe_unsigned_duplicates(const std::vector<std::string>& signed_names,
                                         const SingleInstanceFields& in_message);

// When l= leaves body bytes unsigned, why what is appended can hide the signed text, or empty
// when it cannot: "h= does not sign Content-Type" (a new boundary would make the signed text an
// unseen preamble), "the body is text/html" (appended markup can hide it; any type but
// text/plain and multipart; "its Content-Type cannot be read" likewise), "h= does not sign
// Content-Transfer-Encoding" (base64 would turn the signed text into noise; not for multipart,
// where it means nothing), joined by " and ". A multipart body's appended bytes are its epilogue,
// which readers do not show.
// `in_message` must have been through read_media_type().
std::string partial_body_risk(const std::vector<std::string>& signed_names,
                              const SingleInstanceFields& in_message);

// What to do with a signature that verifies but whose l= leaves part of the body unsigned.
enum class PartialBody : std::uint8_t {
  accept,  // pass; the reason counts the unsigned bytes
  // policy when partial_body_risk() names a risk; otherwise pass as `accept`
  refuse_when_hidable,
  refuse,  // policy: RFC 6376 8.2, the unsigned text was not vouched for
};

}  // namespace senderauth::dkim
