// The cryptography DKIM needs, over OpenSSL 3 (and libsodium for Ed25519 verification) but
// without exposing either: streaming digests, public keys decoded from key records, private
// keys from PEM, sign/verify of a digest. Keys are immutable handles: copies share one OpenSSL
// key (decoding one costs ~100 µs, verifying with it ~15 µs, so callers keep them; see
// KeyCache).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "senderauth/core/result.hpp"
#include "senderauth/dkim/algorithm.hpp"
#include "senderauth/dkim/key_record.hpp"

struct evp_pkey_st;
struct evp_md_ctx_st;

namespace senderauth::dkim {

class Hasher {
 public:
  explicit Hasher(HashAlgorithm hash = HashAlgorithm::sha256);
  ~Hasher();
  Hasher(Hasher&&) noexcept;
  Hasher& operator=(Hasher&&) noexcept;
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;

  void update(std::string_view bytes);
  std::string finish();  // the raw digest; the hasher can then be used again
  HashAlgorithm algorithm() const { return hash_; }

 private:
  void restart_if_finished();

  HashAlgorithm hash_;
  evp_md_ctx_st* ctx_ = nullptr;
  bool finished_ = false;  // re-initialised on next use, not in finish(): most are used once
};

std::string digest(HashAlgorithm hash, std::string_view bytes);

// The largest RSA key verified, signed with or generated. RFC 8301 asks verifiers to handle
// 1024 to 4096 bits and allows refusing larger keys; a 16384-bit key costs about fifty
// ordinary verifications (0.63 ms against 12 us at 15360 bits here), per signature.
inline constexpr int kMaxRsaKeyBits = 8192;

class PublicKey {
 public:
  // RSA: p= as SubjectPublicKeyInfo or bare PKCS#1 RSAPublicKey; Ed25519: the raw 32 bytes.
  static Result<PublicKey> from_record(const KeyRecord& record);
  static Result<PublicKey> from_der(KeyType type, std::string_view der);

  KeyType type() const { return type_; }
  int bits() const;
  // RSA: PKCS#1 v1.5 over the digest; Ed25519: PureEdDSA over the 32-byte SHA-256 digest
  // (RFC 8463 3), by libsodium, which also refuses a public key of small order (with one,
  // anybody can make a signature that OpenSSL 3.0 accepts for any message). False for any
  // failure, including a malformed signature.
  bool verify(Algorithm algorithm, std::string_view digest, std::string_view signature) const;

 private:
  struct RsaVerifyContext;  // an initialised rsa-sha256 verification, duplicated per use
  KeyType type_ = KeyType::rsa;
  std::shared_ptr<evp_pkey_st> key_;  // RSA only
  std::shared_ptr<RsaVerifyContext> rsa_sha256_;
  std::array<unsigned char, 32> ed25519_{};  // the raw public key
};

class PrivateKey {
 public:
  // PKCS#1, PKCS#8 or SEC1-style PEM of an RSA or Ed25519 key.
  static Result<PrivateKey> from_pem(std::string_view pem);
  // An Ed25519 key from its 32-byte seed (RFC 8032), raw or base64.
  static Result<PrivateKey> from_ed25519_seed(std::string_view seed);
  // A key file's text: PEM as from_pem(), or else the base64 of a 32-byte Ed25519 seed, blanks
  // and line ends around it ignored (the form dkimpy's dknewkey writes).
  static Result<PrivateKey> from_key_file(std::string_view text);
  static Result<PrivateKey> generate(KeyType type, int bits = 2048);

  KeyType type() const { return type_; }
  int bits() const;
  std::string to_pem() const;  // PKCS#8
  // The p= bytes: SubjectPublicKeyInfo DER for RSA, the raw 32 bytes for Ed25519.
  std::string public_key_der() const;
  Result<std::string> sign(Algorithm algorithm, std::string_view digest) const;

 private:
  KeyType type_ = KeyType::rsa;
  std::shared_ptr<evp_pkey_st> key_;
};

}  // namespace senderauth::dkim
