// One message through every check: iprev, HELO, SPF (HELO and MAIL FROM), DKIM, ARC and DMARC,
// with their DNS work running concurrently, then the local policy's decision.
//
// Streaming use (a milter): construct a MessageCheck when the envelope is known, call
// start_envelope_checks() at once (iprev/HELO/SPF lookups overlap the DATA phase), feed() the
// message as it arrives, then co_await finish(). Whole-message use: Authenticator::check().
//
// Threads: an Authenticator, its resolver and its MessageChecks belong to one thread, the one
// that runs their io_context; none of them locks (the DKIM/ARC key cache inside is a plain
// map, and so are the resolvers' caches). An io_context run by several threads at once is not
// one thread. To use several cores, give each thread its own io_context, resolver and
// Authenticator, as Unbound and NSD run one worker per core. What such workers share
// underneath is safe to share: OpenSSL and libsodium, DMARC's pct sampling (locked), and a
// dmarc::PublicSuffixList that LocalPolicy's DMARC options point to (read only once loaded).
#pragma once

#include <asio/awaitable.hpp>
#include <memory>
#include <string_view>

#include "senderauth/core/result.hpp"
#include "senderauth/dkim/verifier.hpp"
#include "senderauth/dns/resolver.hpp"
#include "senderauth/pipeline/envelope.hpp"
#include "senderauth/pipeline/local_policy.hpp"
#include "senderauth/pipeline/verdict.hpp"

namespace senderauth::pipeline {

class Authenticator;

class MessageCheck {
 public:
  MessageCheck(const Authenticator& authenticator, Envelope envelope);
  ~MessageCheck();
  MessageCheck(const MessageCheck&) = delete;
  MessageCheck& operator=(const MessageCheck&) = delete;

  // Starts the envelope checks in the background on the current executor.
  asio::awaitable<void> start_envelope_checks();
  // Message bytes in any chunking; CRLF or LF line ends.
  void feed(std::string_view chunk);
  // End of message: waits for every check and decides. Never throws for a failed check: an
  // internal error gives an accept (or tempfail, per LocalPolicy) verdict saying so. Call it
  // once: a second call gives that internal-error verdict ("finish() called more than once"),
  // not results; feed() after finish() is ignored.
  asio::awaitable<Verdict> finish();

  struct State;  // shared with the background envelope checks

 private:
  friend class Authenticator;
  // Fills the state's verdict, an internal error's included; finish() and
  // Authenticator::check() then move it out once (a Verdict is large: each coroutine level
  // it passes through costs a move).
  asio::awaitable<void> settle();
  asio::awaitable<void> finish_checks();
  std::shared_ptr<State> state_;
};

class Authenticator {
 public:
  // The resolver must outlive the authenticator. A shared DKIM/ARC key cache is kept inside.
  Authenticator(dns::Resolver& resolver, LocalPolicy policy);
  ~Authenticator();

  const LocalPolicy& policy() const { return policy_; }
  dns::Resolver& resolver() const { return resolver_; }
  dkim::KeyCache& key_cache() const { return *key_cache_; }

  // The whole message in memory. `message` is not copied: like an Asio buffer, it is read when
  // the awaitable runs, not when it is made, so it must stay alive until the awaitable
  // completes (co_await it where it is made; co_spawn() it only with a message that outlives
  // it, never a temporary). The envelope is taken by value.
  asio::awaitable<Verdict> check(Envelope envelope, std::string_view message) const;

 private:
  dns::Resolver& resolver_;
  LocalPolicy policy_;
  std::unique_ptr<dkim::KeyCache> key_cache_;
};

}  // namespace senderauth::pipeline
