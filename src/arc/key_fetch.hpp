// Fetching the DKIM key records ARC signatures name (selector._domainkey.domain TXT), each
// distinct name once and concurrently, then handing out keys checked for an algorithm.
#pragma once

#include <asio/awaitable.hpp>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "senderauth/arc/arc_fields.hpp"
#include "senderauth/dkim/crypto.hpp"
#include "senderauth/dkim/verifier.hpp"
#include "senderauth/dns/resolver.hpp"

namespace senderauth::arc::detail {

class KeyFetcher {
 public:
  // `cache` (optional) keeps decoded keys across messages; it must outlive the fetcher.
  KeyFetcher(unsigned min_rsa_bits, dkim::KeyCache* cache)
      : min_rsa_bits_(min_rsa_bits), cache_(cache) {}

  // (selector, domain) pairs; duplicates are looked up once, names fetched before not again.
  asio::awaitable<void> fetch(dns::Resolver& resolver,
                              const std::vector<std::pair<std::string, std::string>>& wanted);
  // The same without waiting: takes the records only when the resolver has every one at hand
  // (and says whether it did); otherwise nothing changes and fetch() is the way.
  bool fetch_now(dns::Resolver& resolver,
                 const std::vector<std::pair<std::string, std::string>>& wanted);

  // A key usable for `algorithm`: right type, hash allowed, email service, not revoked, RSA at
  // least min_rsa_bits.
  Result<dkim::PublicKey> key_for(const std::string& selector, const std::string& domain,
                                  SigningAlgorithm algorithm) const;

 private:
  struct Records {
    Result<std::vector<std::string>> texts = make_error("not looked up");
    std::uint32_t ttl = 0;
  };
  // The names in `wanted` that are valid and not fetched yet, each once.
  std::vector<std::string> names_to_fetch(
      const std::vector<std::pair<std::string, std::string>>& wanted) const;
  void store(const std::string& name, const dns::Answer& answer);

  unsigned min_rsa_bits_;
  dkim::KeyCache* cache_;
  std::map<std::string, Records> records_;  // owner name -> TXT records or why none
};

// "selector._domainkey.domain", or an error when that is not a valid DNS name.
Result<std::string> key_record_name(const std::string& selector, const std::string& domain);

}  // namespace senderauth::arc::detail
