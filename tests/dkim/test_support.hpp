// Helpers shared by the DKIM tests: keys, a zone, running a verification.
#pragma once

#include <asio/io_context.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "senderauth/dkim/signer.hpp"
#include "senderauth/dkim/verifier.hpp"
#include "senderauth/dns/run_sync.hpp"
#include "senderauth/dns/zone_resolver.hpp"

namespace senderauth::dkim::test {

inline std::vector<DkimResult> verify(std::string_view message, dns::Resolver& resolver,
                                      VerifyOptions options = {}) {
  asio::io_context io;
  return dns::run_sync(io, verify_message(message, resolver, options));
}

// Generated once per test program (RSA generation is slow).
inline const PrivateKey& rsa_key() {
  static PrivateKey key = PrivateKey::generate(KeyType::rsa, 2048).value();
  return key;
}
inline const PrivateKey& ed25519_key() {
  static PrivateKey key = PrivateKey::generate(KeyType::ed25519).value();
  return key;
}

inline void publish(dns::ZoneResolver& zone, std::string_view selector, std::string_view domain,
                    const PrivateKey& key, std::string extra = "") {
  zone.add_txt(std::string(selector) + "._domainkey." + std::string(domain),
               split_txt_strings(extra + format_key_record(key.type(), key.public_key_der())));
}

inline SignerConfig config(const PrivateKey& key, std::string selector = "sel",
                           std::string domain = "example.test") {
  SignerConfig c;
  c.key = key;
  c.selector = std::move(selector);
  c.domain = std::move(domain);
  c.timestamp = 1700000000;
  return c;
}

inline constexpr std::string_view kMessage =
    "From: Joe <joe@example.test>\r\n"
    "To: Suzie <suzie@example.org>\r\n"
    "Subject: Is dinner ready?\r\n"
    "Date: Fri, 11 Jul 2003 21:00:37 -0700\r\n"
    "Message-ID: <1@example.test>\r\n"
    "\r\n"
    "Hi.\r\n"
    "\r\n"
    "We lost the game.  Are you hungry yet?\r\n"
    "\r\n"
    "Joe.\r\n";

}  // namespace senderauth::dkim::test
