// The exact bytes an ARC-Message-Signature and an ARC-Seal sign (RFC 8617 5.1.1, 5.1.2),
// built with DKIM's canonicalisation: shared by verification and sealing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "arc_chain.hpp"
#include "senderauth/arc/arc_fields.hpp"
#include "senderauth/message/header_field.hpp"

namespace senderauth::arc::detail {

// An AMS already in the message: DKIM's header hash input over its h= list.
std::string ams_signing_input(const message::HeaderList& headers,
                              const message::HeaderField& ams_field,
                              const ArcMessageSignature& ams);

// What an ARC-Seal signs: `earlier_fields` (the AAR, AMS and AS of each older set in instance
// order, then this set's AAR and AMS), relaxed, and then the seal itself with its b= value
// removed, relaxed, without its final CRLF.
std::string seal_hash_input(const std::vector<std::string_view>& earlier_fields,
                            std::string_view seal_field);

// The seal of sets[index] as found in a message.
std::string seal_signing_input(const std::vector<ArcSetFields>& sets, std::size_t index);

}  // namespace senderauth::arc::detail
