// DKIM key record parser and public-key decoding (RSA SPKI / PKCS#1, Ed25519 raw).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "senderauth/dkim/crypto.hpp"
#include "senderauth/dkim/key_record.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto record = senderauth::dkim::parse_key_record(text);
  if (record.ok()) {
    auto key = senderauth::dkim::PublicKey::from_record(*record);
    if (key.ok()) {
      (void)key->bits();
      (void)key->verify(senderauth::dkim::Algorithm::rsa_sha256, std::string(32, 'x'), "sig");
    }
  }
  // The raw bytes as DER too, for both key types.
  (void)senderauth::dkim::PublicKey::from_der(senderauth::dkim::KeyType::rsa, text);
  (void)senderauth::dkim::PublicKey::from_der(senderauth::dkim::KeyType::ed25519, text);
  return 0;
}
