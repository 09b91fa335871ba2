// Fields RFC 5322 allows once (Subject, From, To, Date...) of which a message carries more
// copies than a signature's h= lists: the extra copies are unsigned and sit above the signed
// ones, where mail readers look (RFC 6376 8.15). DKIM verification and the ARC trusted-sealer
// rule both ask.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "senderauth/message/header_field.hpp"

namespace senderauth::dkim {

// How many copies of each of message::kSingleInstanceFields a header section has.
using SingleInstanceCounts = std::array<std::uint32_t, message::kSingleInstanceFieldCount>;
SingleInstanceCounts count_single_instance_fields(const message::HeaderList& headers);

// "2 Subject fields, 1 signed" for each field `signed_names` (an h= list) names that has more
// copies in the message than the list has, joined by "; "; empty when there is none.
std::string describe_unsigned_duplicates(const std::vector<std::string>& signed_names,
                                         const SingleInstanceCounts& in_message);

}  // namespace senderauth::dkim
