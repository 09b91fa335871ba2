// The algorithm and canonicalisation vocabulary of DKIM (RFC 6376 3.3, 3.4; RFC 8463).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace senderauth::dkim {

enum class Algorithm : std::uint8_t { rsa_sha256, ed25519_sha256, rsa_sha1 };
enum class KeyType : std::uint8_t { rsa, ed25519 };
enum class HashAlgorithm : std::uint8_t { sha256, sha1 };
enum class Canonicalization : std::uint8_t { simple, relaxed };

std::string_view to_string(Algorithm algorithm);  // "rsa-sha256", ...
std::string_view to_string(KeyType type);         // "rsa", "ed25519"
std::string_view to_string(Canonicalization canon);
std::optional<Algorithm> parse_algorithm(std::string_view text);  // case-insensitive
std::optional<Canonicalization> parse_canonicalization(std::string_view text);

HashAlgorithm hash_of(Algorithm algorithm);
KeyType key_type_of(Algorithm algorithm);
std::size_t digest_size(HashAlgorithm hash);  // 32 or 20 bytes

}  // namespace senderauth::dkim
