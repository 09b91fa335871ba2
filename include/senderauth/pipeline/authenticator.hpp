// One message through every check: iprev, HELO, SPF (HELO and MAIL FROM), DKIM, ARC and DMARC,
// with their DNS work running concurrently, then the local policy's decision.
//
// Streaming use (a milter): construct a MessageCheck when the envelope is known, call
// start_envelope_checks() at once (iprev/HELO/SPF lookups overlap the DATA phase), feed() the
// message as it arrives, then co_await finish(). Whole-message use: Authenticator::check().
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
  // End of message: waits for every check and decides. Call once. Never throws for a failed
  // check: an internal error gives an accept (or tempfail, per LocalPolicy) verdict saying so.
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

  // The whole message in memory.
  asio::awaitable<Verdict> check(Envelope envelope, std::string_view message) const;

 private:
  dns::Resolver& resolver_;
  LocalPolicy policy_;
  std::unique_ptr<dkim::KeyCache> key_cache_;
};

}  // namespace senderauth::pipeline
