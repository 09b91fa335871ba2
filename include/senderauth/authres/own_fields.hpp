// Finding Authentication-Results fields that claim to come from us (RFC 8601 5): an MTA that
// adds A-R fields with its authserv-id must remove (or rename) such fields arriving from
// outside, or a sender could forge our verdicts. Works on any list of fields with name() and
// value() (message::HeaderField), so this module does not depend on the message module.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace senderauth::authres {

// True when `field_name` is Authentication-Results (ASCII case-insensitive, surrounding
// blanks ignored).
bool is_authres_field_name(std::string_view field_name);

// True when `field_name` is Authentication-Results (case-insensitive) and the field's
// authserv-id equals one of `our_ids` (ASCII case-insensitive, a trailing dot ignored). The
// rest of the field is not parsed: a field that names us but is otherwise garbage is ours too.
// The id is looked for more leniently than RFC 8601 (and parse_authres()) read it, as the
// first token after any bytes that cannot start one (a vertical tab, a form feed, 8-bit
// bytes...) and comments, whether a backslash in a comment escapes or not: other readers skip
// such bytes, and a field they take for ours must not pass here as someone else's.
bool is_own_field(std::string_view field_name, std::string_view field_value,
                  const std::vector<std::string>& our_ids);

// The fields is_own_field() accepts, the ones to remove, as 0-based indexes among the
// Authentication-Results fields alone (top to bottom; fields of other names are not counted):
// how an MTA addresses one field of a name, e.g. a milter's
// smfi_chgheader("Authentication-Results", index + 1, NULL).
template <class FieldList>
std::vector<std::size_t> find_own_fields(const FieldList& fields,
                                         const std::vector<std::string>& our_ids) {
  std::vector<std::size_t> out;
  std::size_t index = 0;
  for (const auto& field : fields) {
    if (!is_authres_field_name(field.name())) continue;
    if (is_own_field(field.name(), field.value(), our_ids)) out.push_back(index);
    ++index;
  }
  return out;
}

}  // namespace senderauth::authres
