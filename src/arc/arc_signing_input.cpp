#include "arc_signing_input.hpp"

#include "senderauth/dkim/canonicalization.hpp"
#include "senderauth/dkim/signature.hpp"

namespace senderauth::arc::detail {

std::string ams_signing_input(const message::HeaderList& headers,
                              const message::HeaderField& ams_field,
                              const ArcMessageSignature& ams) {
  return dkim::header_hash_input(ams.header_canon, headers, ams.signed_headers,
                                 dkim::remove_signature_value(ams_field.raw()));
}

std::string seal_hash_input(const std::vector<std::string_view>& earlier_fields,
                            std::string_view seal_field) {
  std::string out;
  for (auto field : earlier_fields) {
    dkim::canonicalize_header(Canonicalization::relaxed, field, out);
  }
  dkim::canonicalize_header(Canonicalization::relaxed, dkim::remove_signature_value(seal_field),
                            out);
  if (out.ends_with("\r\n")) out.resize(out.size() - 2);
  return out;
}

std::string seal_signing_input(const std::vector<ArcSetFields>& sets, std::size_t index) {
  std::vector<std::string_view> earlier;
  earlier.reserve(3 * index + 2);
  for (std::size_t k = 0; k <= index; ++k) {
    earlier.push_back(sets[k].aar_field->raw());
    earlier.push_back(sets[k].ams_field->raw());
    if (k < index) earlier.push_back(sets[k].seal_field->raw());
  }
  return seal_hash_input(earlier, sets[index].seal_field->raw());
}

}  // namespace senderauth::arc::detail
