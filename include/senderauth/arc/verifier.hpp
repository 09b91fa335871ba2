// ARC chain validation (RFC 8617 5.2). The verifier is a MessageSink, so it can share one
// streaming read of the message with the DKIM verifier; its key lookups may start once the
// header section is read, and finish() does the signature checks.
#pragma once

#include <asio/awaitable.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "senderauth/arc/arc_result.hpp"
#include "senderauth/dkim/verifier.hpp"
#include "senderauth/dns/resolver.hpp"
#include "senderauth/message/message_reader.hpp"

namespace senderauth::arc {

// At most this many ARC-Message-Signatures are checked, newest first (DKIM verifies at most 16
// signatures by default): the body is hashed once per distinct body canonicalisation and l=
// among them, and their keys looked up. Older ones are not checked (ArcSetReport::ams_valid
// unset, ams_reason says so), and oldest-pass names the oldest one checked.
inline constexpr std::size_t kMaxCheckedAms = 16;

struct VerifyOptions {
  // Unix time used for the AMS x= expiry check; unset means the system clock.
  std::optional<std::int64_t> now;
  // RSA keys shorter than this fail (RFC 8301 3.2: at least 1024 bits).
  unsigned min_rsa_bits = 1024;
  // Step 5 of RFC 8617 5.2 is optional: it costs one more DNS lookup and AMS check per set.
  bool compute_oldest_pass = true;
};

class ArcVerifier final : public message::MessageSink {
 public:
  // `key_cache` (optional, may be the DKIM verifier's) keeps decoded keys across messages.
  explicit ArcVerifier(VerifyOptions options = {}, dkim::KeyCache* key_cache = nullptr);
  ~ArcVerifier() override;
  ArcVerifier(const ArcVerifier&) = delete;
  ArcVerifier& operator=(const ArcVerifier&) = delete;

  void on_headers(const message::HeaderList& headers) override;
  bool reads_bare_lf() const override { return true; }  // the body canonicalisers do
  void on_body(std::string_view chunk) override;
  void on_end() override;

  // The key records the chain's signatures name, looked up once the header section is read
  // (on_headers) so that their answers can arrive while the body does; finish() looks up
  // whatever was not fetched. fetch_keys_now() takes them only when the resolver has every one
  // at hand, and says whether it did (true too when no key is needed). Not concurrently with
  // finish() or with each other.
  bool fetch_keys_now(dns::Resolver& resolver);
  asio::awaitable<void> fetch_keys(dns::Resolver& resolver);
  // Call once, after on_end(). DNS trouble for a key makes that signature fail.
  asio::awaitable<ArcResult> finish(dns::Resolver& resolver);

  struct State;

 private:
  std::unique_ptr<State> state_;
};

// Whole-message convenience: reads `message` (LF or CRLF line ends) and validates its chain.
// A message the reader rejects gives fail with the reader's reason. `message`, the resolver
// and the cache must stay alive until the awaitable completes (see dkim::verify_message()).
asio::awaitable<ArcResult> verify_arc(std::string_view message, dns::Resolver& resolver,
                                      VerifyOptions options = {},
                                      dkim::KeyCache* key_cache = nullptr);

}  // namespace senderauth::arc
