// DKIM verification of one message (RFC 6376 6, RFC 8301, RFC 8463).
//
// Usage: a DkimVerifier is a message::MessageSink. Feed it through a MessageReader (headers,
// then the body in chunks: the body is hashed as it streams, never kept), then
// co_await verify(resolver) for one result per DKIM-Signature field, top to bottom.
// Keys are fetched once per (selector, domain) and all concurrently.
#pragma once

#include <asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "senderauth/dkim/crypto.hpp"
#include "senderauth/dkim/key_record.hpp"
#include "senderauth/dkim/result.hpp"
#include "senderauth/dkim/unsigned_duplicates.hpp"
#include "senderauth/dns/resolver.hpp"
#include "senderauth/message/message_reader.hpp"

namespace senderauth::dkim {

struct VerifyOptions {
  // Unix time to verify at (t=, x=); empty: the system clock.
  std::optional<std::int64_t> now;
  // Tolerated difference between our clock and the signer's for x= (expiry).
  std::chrono::seconds clock_skew{300};
  // How far t= may lie in the future. RFC 6376 only allows (MAY) ignoring such signatures,
  // and real signers' clocks are off by hours (time-zone slips), hence a day by default.
  std::chrono::seconds future_skew{86400};
  // DKIM-Signature fields verified per message; later ones get `policy`.
  std::size_t max_signatures = 16;
  // RFC 8301: RSA keys below 1024 bits are not accepted.
  int min_rsa_bits = 1024;
  // A signature whose l= stops short of the body vouches only for what it covers: text added
  // after signing (a replayed message with new content appended) is not signed. RFC 6376
  // allows it, so by default it still passes and its reason counts the unsigned bytes, unless
  // the message's Content-Type or Content-Transfer-Encoding is unsigned too: then an added
  // Content-Type with a new boundary shows a reader only the appended part, and the signature
  // gets `policy` (RFC 8601: verified, but not accepted by local policy), which DMARC does not
  // count. `refuse` gives every such signature `policy` (RFC 6376 8.2); `accept` none.
  PartialBody partial_body = PartialBody::refuse_when_hidable;
  // A field RFC 5322 allows once (Subject, From, To, Date, Reply-To, ...) that a signature
  // covers but that the message carries more often than h= lists it: the extra copy is
  // unsigned and sits above the signed one, where mail readers look, so a replayed signed
  // message can be shown with another Subject or sender (RFC 6376 8.15). When true such a
  // signature gets `policy` (DMARC does not count it); when false the reason only notes it.
  bool refuse_unsigned_duplicates = true;
};

// Parsed key records and their decoded public keys, shared between messages and kept per query
// name with the record text they came from, so a record is parsed and its key decoded once
// while it is unchanged (honours the answer's TTL); another text at the name (a rotated key) is
// a miss, and storing it replaces the old entry. Not thread-safe.
struct CachedKey {
  KeyRecord record;
  PublicKey key;
};

class KeyCache {
 public:
  explicit KeyCache(std::size_t max_entries = 1000) : max_entries_(max_entries) {}
  std::optional<CachedKey> find(const std::string& name, std::string_view record,
                                std::chrono::steady_clock::time_point now) const;
  void store(const std::string& name, std::string_view record, CachedKey key,
             std::chrono::steady_clock::time_point expires);
  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string record;  // the TXT text the key was parsed from: another text is a miss
    CachedKey key;
    std::chrono::steady_clock::time_point expires;
  };
  std::size_t max_entries_;
  std::unordered_map<std::string, Entry> entries_;  // by key name: one record per name
};

class DkimVerifier final : public message::MessageSink {
 public:
  explicit DkimVerifier(VerifyOptions options = {}, KeyCache* cache = nullptr);
  ~DkimVerifier() override;
  DkimVerifier(const DkimVerifier&) = delete;
  DkimVerifier& operator=(const DkimVerifier&) = delete;

  void on_headers(const message::HeaderList& headers) override;
  bool reads_bare_lf() const override { return true; }  // the body canonicalisers do
  void on_body(std::string_view chunk) override;
  void on_end() override;

  // Number of DKIM-Signature fields seen (known after on_headers).
  std::size_t signature_count() const;
  // The key records the signatures need, looked up once the header section is read
  // (on_headers) so that their answers can arrive while the body does; verify() looks up
  // whatever was not fetched. fetch_keys_now() takes them only when the resolver has every
  // one at hand, and says whether it did.
  bool fetch_keys_now(dns::Resolver& resolver);
  asio::awaitable<void> fetch_keys(dns::Resolver& resolver);
  // Call once after on_end(). Empty when the message carries no DKIM-Signature.
  asio::awaitable<std::vector<DkimResult>> verify(dns::Resolver& resolver);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Convenience for tests and the CLI: reads `message` (whole, in memory) and verifies it.
// A message the reader rejects gives one permerror per signature it could find (or none).
// `message` is not copied: like an Asio buffer, it is read when the awaitable runs, not when
// it is made, so it must stay alive until the awaitable completes (co_await it where it is
// made; co_spawn() it only with a message that outlives it). The resolver and cache likewise.
asio::awaitable<std::vector<DkimResult>> verify_message(std::string_view message,
                                                        dns::Resolver& resolver,
                                                        VerifyOptions options = {},
                                                        KeyCache* cache = nullptr);

}  // namespace senderauth::dkim
