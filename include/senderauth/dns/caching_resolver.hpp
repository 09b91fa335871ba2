// An in-process answer cache in front of any Resolver: what lets repeated SPF/DKIM/DMARC
// lookups cost a hash-map probe instead of a round trip (even a loopback cache costs ~60 µs).
//
// Policy:
//  - ok answers live for their TTL, capped by max_ttl; TTL 0 answers are not cached.
//  - nxdomain/nodata live for their negative TTL (the answer's ttl: min(SOA TTL, SOA MINIMUM)
//    of the SOA that came with it), capped by max_negative_ttl. A negative answer without a
//    SOA has ttl 0 and is not cached (RFC 2308 5).
//  - the TTL an answer is served with never exceeds what its entry has left to live (a TTL
//    over max_ttl is served as max_ttl, counting down).
//  - servfail/error live for failure_ttl (default 0: not cached), so a flapping server is not
//    hammered when the caller sets it; timeouts are never cached (the next try may succeed).
//  - at most max_entries answers; the least recently used goes first.
//  - identical queries in flight at the same time share one upstream query.
// Answers served from the cache report the TTL remaining. Not thread-safe: one per executor.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>

#include "senderauth/dns/resolver.hpp"

namespace senderauth::dns {

struct CachingOptions {
  std::size_t max_entries = 10000;
  std::chrono::seconds max_ttl{86400};
  std::chrono::seconds max_negative_ttl{3600};
  std::chrono::seconds failure_ttl{0};
};

class CachingResolver final : public Resolver {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  // `upstream` must outlive this resolver. An empty clock means steady_clock::now.
  explicit CachingResolver(Resolver& upstream, CachingOptions options = {}, Clock clock = {});
  ~CachingResolver() override;
  CachingResolver(const CachingResolver&) = delete;
  CachingResolver& operator=(const CachingResolver&) = delete;

  asio::awaitable<Answer> query(std::string name, RecordType type) override;
  // A fresh cached answer (counted as a hit), else null; never asks upstream.
  SharedAnswer answer_now(std::string_view name, RecordType type) override;

  std::size_t size() const;
  std::size_t hits() const;
  std::size_t misses() const;  // queries that went upstream (coalesced waiters count as hits)
  void clear();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace senderauth::dns
