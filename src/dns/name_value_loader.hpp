// The DKIM suite's DNS files (conformance/dkim/SOURCE.md; Mail::DKIM's FAKE_DNS.dat format):
// one "owner value" per line, value = the TXT record with its strings already joined.
//  - `NXDOMAIN`: the name does not exist; `~~SERVFAIL~~` / `~~Query timed out~~`: every query
//    at the name fails with servfail / timeout;
//  - a value starting with '"' is zone-file strings (`"a" "b"`), joined; `""` is an empty TXT;
//  - otherwise the rest of the line (trailing CR dropped) is the text, served as one TXT record
//    cut into 255-octet strings as DNS would carry it;
//  - blank lines and lines starting with '#' or ';' are comments; several lines may share an
//    owner (several TXT records).
#pragma once

#include <string_view>

#include "senderauth/core/result.hpp"
#include "zone_store.hpp"

namespace senderauth::dns::name_value {

inline constexpr std::uint32_t kRecordTtl = 300;

// Errors read "line N: why".
Result<ZoneContent> parse(std::string_view text);

}  // namespace senderauth::dns::name_value
