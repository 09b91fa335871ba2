// DKIM key record parser, public-key decoding (RSA SPKI / PKCS#1, Ed25519 raw), and the choice
// among several TXT records at a key name (the input split at newlines).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

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
  std::vector<std::string> texts;
  for (std::size_t start = 0; start <= text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    texts.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  auto chosen = senderauth::dkim::choose_key_record(texts);
  // Among several records, the one chosen is a key record, and the only one.
  if (chosen.ok() && texts.size() > 1) {
    std::size_t key_records = 0;
    for (const auto& t : texts) key_records += senderauth::dkim::parse_key_record(t).ok() ? 1 : 0;
    if (*chosen >= texts.size() || !senderauth::dkim::parse_key_record(texts[*chosen]).ok() ||
        key_records != 1) {
      std::abort();
    }
  }
  // The raw bytes as DER too, for both key types.
  (void)senderauth::dkim::PublicKey::from_der(senderauth::dkim::KeyType::rsa, text);
  (void)senderauth::dkim::PublicKey::from_der(senderauth::dkim::KeyType::ed25519, text);
  return 0;
}
