// Size and count limits of the core parsers. Private to the module (and its tests): the public
// headers are fixed, so these live here; callers only see the error a limit produces.
#pragma once

#include <cstddef>

namespace senderauth::core_limits {

// A tag-list is one header field or one TXT record; 64 KiB is far beyond any real one.
inline constexpr std::size_t kMaxTagListLength = 64 * 1024;
// DKIM-Signature has about 15 defined tags, DMARC about 11; 64 leaves room for extensions.
inline constexpr std::size_t kMaxTags = 64;
// A 16384-bit RSA key or a signature over it stays far below this.
inline constexpr std::size_t kMaxBase64Input = 64 * 1024;
// Longest accepted address text; longer text cannot be a valid address and is not copied.
inline constexpr std::size_t kMaxIpText = 64;

}  // namespace senderauth::core_limits
