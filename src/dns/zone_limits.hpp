// Explicit bounds for the in-memory zone: what a file may hold and how far a lookup may go.
#pragma once

#include <cstddef>
#include <cstdint>

namespace senderauth::dns::zone_limits {

// Bytes of one loaded text (master file, YAML, "name value" file).
inline constexpr std::size_t kMaxTextBytes = 16 * 1024 * 1024;
// Records one ZoneResolver holds in total, whatever loaded them.
inline constexpr std::size_t kMaxRecords = 200'000;
// Tokens in one master-file entry (a TXT of 64 KiB is ~260 strings).
inline constexpr std::size_t kMaxEntryTokens = 1024;
// CNAMEs followed for one query before giving up (servfail), as a resolver would.
inline constexpr std::size_t kMaxCnameChain = 16;
// RFC 1035 2.3.4 / 3.3.
inline constexpr std::size_t kMaxLabelLength = 63;
inline constexpr std::size_t kMaxNameLength = 253;  // without the trailing dot
inline constexpr std::size_t kMaxCharacterString = 255;
// RFC 2181 8: TTLs are 31-bit.
inline constexpr std::uint32_t kMaxTtl = 0x7FFFFFFF;
// TTL of a master-file record when neither the record, $TTL nor an earlier record gives one.
inline constexpr std::uint32_t kDefaultTtl = 3600;

}  // namespace senderauth::dns::zone_limits
