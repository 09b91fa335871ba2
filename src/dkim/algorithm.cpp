#include "senderauth/dkim/algorithm.hpp"

#include "senderauth/core/domain_name.hpp"

namespace senderauth::dkim {

std::string_view to_string(Algorithm algorithm) {
  switch (algorithm) {
    case Algorithm::rsa_sha256:
      return "rsa-sha256";
    case Algorithm::ed25519_sha256:
      return "ed25519-sha256";
    case Algorithm::rsa_sha1:
      return "rsa-sha1";
  }
  return "?";
}

std::string_view to_string(KeyType type) {
  return type == KeyType::rsa ? "rsa" : "ed25519";
}

std::string_view to_string(Canonicalization canon) {
  return canon == Canonicalization::simple ? "simple" : "relaxed";
}

std::optional<Algorithm> parse_algorithm(std::string_view text) {
  if (iequals(text, "rsa-sha256")) return Algorithm::rsa_sha256;
  if (iequals(text, "ed25519-sha256")) return Algorithm::ed25519_sha256;
  if (iequals(text, "rsa-sha1")) return Algorithm::rsa_sha1;
  return std::nullopt;
}

std::optional<Canonicalization> parse_canonicalization(std::string_view text) {
  if (iequals(text, "simple")) return Canonicalization::simple;
  if (iequals(text, "relaxed")) return Canonicalization::relaxed;
  return std::nullopt;
}

HashAlgorithm hash_of(Algorithm algorithm) {
  return algorithm == Algorithm::rsa_sha1 ? HashAlgorithm::sha1 : HashAlgorithm::sha256;
}

KeyType key_type_of(Algorithm algorithm) {
  return algorithm == Algorithm::ed25519_sha256 ? KeyType::ed25519 : KeyType::rsa;
}

std::size_t digest_size(HashAlgorithm hash) {
  return hash == HashAlgorithm::sha256 ? 32 : 20;
}

}  // namespace senderauth::dkim
