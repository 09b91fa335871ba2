// RFC 1035 5 master files: $ORIGIN, $TTL, and A, AAAA, TXT, SPF, MX, PTR, CNAME, NS, SOA, CAA
// records in class IN. Not supported (an error naming the line): $INCLUDE, $GENERATE, other
// classes and types, escaped dots inside labels. Relative names take the current origin; with
// no origin at all they are taken as absolute.
#pragma once

#include <string_view>

#include "senderauth/core/result.hpp"
#include "zone_store.hpp"

namespace senderauth::dns::master_file {

// Errors read "line N: why".
Result<ZoneContent> parse(std::string_view text, std::string_view origin);

}  // namespace senderauth::dns::master_file
