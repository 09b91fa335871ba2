// A Content-Type field's value (RFC 2045 5.1): type "/" subtype *(";" attribute "=" value). What
// DKIM's unsigned-copy rule needs: whether two fields mean the same to a MIME reader, and what
// kind of body the signed one declares.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "senderauth/core/result.hpp"

namespace senderauth::message {

struct ContentType {
  std::string type;     // lower-cased: "text"
  std::string subtype;  // lower-cased: "plain"
  // In order; names lower-cased, values unquoted (quoted-pairs resolved) and kept as written:
  // a boundary is compared byte for byte.
  std::vector<std::pair<std::string, std::string>> parameters;

  // One string per meaning: two values whose comparable forms are equal show a MIME reader the
  // same thing (case of the type, subtype, names and charset, quoting and white space around
  // ';' and '=' do not count; a boundary's every byte does).
  std::string comparable_form() const;
};

// An unfolded value (message::unfold()). Comments, 8-bit bytes, white space around "/", a
// missing "/" or "=", a quoted-pair other than \" and \\ and an unterminated quoted string are
// errors naming what was wrong: a value this strict reading refuses is compared byte for byte
// by its callers. At most kMaxContentTypeParameters parameters.
inline constexpr std::size_t kMaxContentTypeParameters = 64;
Result<ContentType> parse_content_type(std::string_view value);

// "type/subtype" of a value as received (folding allowed), lower-cased: what a reader renders
// the body as, whatever parameters follow. Empty when the value does not start so (white space
// around "/" included). Unlike parse_content_type(), a comment or a malformed parameter after
// the type does not matter: readers render the body by the type alone.
std::string media_type_of(std::string_view value);

}  // namespace senderauth::message
