// Grouping a message's ARC header fields into ARC Sets and the structural checks of
// RFC 8617 5.2 steps 1-3: instances 1..N without gaps, N <= 50, exactly one AAR, AMS and AS per
// instance, every field well formed.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "senderauth/arc/arc_fields.hpp"
#include "senderauth/core/result.hpp"
#include "senderauth/message/header_field.hpp"

namespace senderauth::arc::detail {

struct ArcSetFields {
  int instance = 0;
  const message::HeaderField* seal_field = nullptr;
  const message::HeaderField* ams_field = nullptr;
  const message::HeaderField* aar_field = nullptr;
  ArcSeal seal;
  ArcMessageSignature ams;
  ArcAuthResults aar;
};

// The sets in instance order (index 0 is i=1). An empty vector when the message has no ARC
// header field at all; an error naming the first structural problem otherwise.
// The returned pointers refer into `headers`, which must outlive the result.
Result<std::vector<ArcSetFields>> collect_arc_sets(const message::HeaderList& headers);

// RFC 8617 5.2 steps 2 and 3.2-3.3: the cv= values the seals must carry (the newest not fail,
// i=1 none, every later one pass). Why not, or nothing when they do.
std::optional<std::string> check_chain_status(const std::vector<ArcSetFields>& sets);

}  // namespace senderauth::arc::detail
