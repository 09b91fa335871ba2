// The SPF conformance suite's `zonedata` (conformance/spf/SOURCE.md), served the way its
// reference driver (pyspf's testspf.py) serves it:
//  - `SPF:` records are also served as TXT when the name lists no `TXT:` entry and no TIMEOUT
//    (pyspf appends the copies after the list, where a TIMEOUT would be reached first);
//  - `TXT: NONE` (any `TYPE: NONE`) lists the type but serves nothing;
//  - a bare `TIMEOUT` makes the name time out for every type it has no record of;
//  - every listed name exists (NODATA for other types); unlisted names are NXDOMAIN.
// YAML's "\xHH" escapes are taken as raw bytes: yaml-cpp decodes them to U+00HH, which is mapped
// back to the byte 0xHH (so a literal U+0080..U+00FF in the YAML also becomes one byte).
#pragma once

#include "senderauth/core/result.hpp"
#include "zone_store.hpp"

namespace YAML {
class Node;
}

namespace senderauth::dns::spf_zonedata {

// TTL given to every record (the suite has none).
inline constexpr std::uint32_t kRecordTtl = 300;

Result<ZoneContent> parse(const YAML::Node& zonedata);

}  // namespace senderauth::dns::spf_zonedata
