#include "senderauth/dns/caching_resolver.hpp"

#include "senderauth/dns/completion_signal.hpp"

#include "query_key.hpp"

#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace senderauth::dns {
namespace {

using TimePoint = std::chrono::steady_clock::time_point;
using detail::QueryKey;
using detail::QueryKeyView;

struct Entry {
  // The answer as served: its ttl is what remained `served_age` seconds after it was stored.
  // Rebuilt (a copy) only when a hit comes in a later second, so most hits share it.
  SharedAnswer served;
  std::uint32_t stored_ttl = 0;
  std::int64_t served_age = 0;
  TimePoint stored;
  TimePoint expires;
  std::list<QueryKey>::iterator lru;  // position in State::lru (front = most recent)
};

// Callers waiting for the same upstream query: woken when the leader has its answer.
struct InFlight {
  std::vector<std::shared_ptr<CompletionSignal>> waiters;
  std::optional<Answer> result;
};

}  // namespace

struct CachingResolver::State {
  Resolver& upstream;
  CachingOptions options;
  Clock clock;
  std::unordered_map<QueryKey, Entry, detail::QueryKeyHash, detail::QueryKeyEqual> entries;
  std::list<QueryKey> lru;
  std::unordered_map<QueryKey, std::shared_ptr<InFlight>, detail::QueryKeyHash,
                     detail::QueryKeyEqual>
      in_flight;
  std::size_t hits = 0;
  std::size_t misses = 0;

  // How long `answer` may be kept; zero means not at all.
  std::chrono::seconds lifetime(const Answer& answer) const {
    using std::chrono::seconds;
    switch (answer.status) {
      case Status::ok:
        return std::min(seconds(answer.ttl), options.max_ttl);
      case Status::nxdomain:
      case Status::nodata:
        // 0 also for a negative answer without a SOA: RFC 2308 5 says not to cache those.
        return std::min(seconds(answer.ttl), options.max_negative_ttl);
      case Status::servfail:
      case Status::error:
        return options.failure_ttl;
      case Status::timeout:
        return seconds(0);
    }
    return seconds(0);
  }

  SharedAnswer lookup(QueryKeyView key) {
    auto it = entries.find(key);
    if (it == entries.end()) return nullptr;
    Entry& entry = it->second;
    const TimePoint now = clock();
    if (now >= entry.expires) {
      lru.erase(entry.lru);
      entries.erase(it);
      return nullptr;
    }
    lru.splice(lru.begin(), lru, entry.lru);
    const auto age = std::max<std::int64_t>(
        0, std::chrono::duration_cast<std::chrono::seconds>(now - entry.stored).count());
    if (age != entry.served_age) {
      auto aged = std::make_shared<Answer>(*entry.served);
      const auto elapsed = static_cast<std::uint32_t>(std::min<std::int64_t>(age, UINT32_MAX));
      aged->ttl = entry.stored_ttl > elapsed ? entry.stored_ttl - elapsed : 0;
      entry.served = std::move(aged);
      entry.served_age = age;
    }
    return entry.served;
  }

  void store(const QueryKey& key, const Answer& answer) {
    const auto keep = lifetime(answer);
    if (keep.count() <= 0 || options.max_entries == 0) return;
    const TimePoint now = clock();
    if (auto it = entries.find(key); it != entries.end()) {
      lru.erase(it->second.lru);
      entries.erase(it);
    }
    while (entries.size() >= options.max_entries && !lru.empty()) {
      entries.erase(lru.back());
      lru.pop_back();
    }
    lru.push_front(key);
    // Served TTLs count down from how long the entry really lives (max_ttl may cut a day-long
    // TTL to an hour): a caller keeping the answer must not believe it longer than we do.
    auto stored = std::make_shared<Answer>(answer);
    stored->ttl = static_cast<std::uint32_t>(
        std::min<std::int64_t>(answer.ttl, static_cast<std::int64_t>(keep.count())));
    const std::uint32_t stored_ttl = stored->ttl;
    entries.emplace(key, Entry{std::move(stored), stored_ttl, 0, now, now + keep, lru.begin()});
  }
};

CachingResolver::CachingResolver(Resolver& upstream, CachingOptions options, Clock clock)
    : state_(std::make_unique<State>(
          State{upstream,
                options,
                clock ? std::move(clock) : Clock([] { return std::chrono::steady_clock::now(); }),
                {},
                {},
                {},
                0,
                0})) {}

CachingResolver::~CachingResolver() = default;

asio::awaitable<Answer> CachingResolver::query(std::string name, RecordType type) {
  State& st = *state_;
  QueryKey key{normalize_query_name(name), type};
  if (auto cached = st.lookup(detail::QueryKeyHash::view(key))) {
    ++st.hits;
    co_return *cached;
  }
  if (auto it = st.in_flight.find(key); it != st.in_flight.end()) {
    auto flight = it->second;
    auto woken = std::make_shared<CompletionSignal>();
    flight->waiters.push_back(woken);
    co_await woken->wait();
    if (flight->result) {
      ++st.hits;
      co_return *flight->result;
    }
    // The leader failed with an exception: ask on our own below.
  }
  ++st.misses;
  const auto executor = co_await asio::this_coro::executor;
  auto flight = std::make_shared<InFlight>();
  const bool leader = st.in_flight.emplace(key, flight).second;
  Answer answer;
  try {
    answer = co_await st.upstream.query(key.name, type);
  } catch (...) {
    if (leader) {
      st.in_flight.erase(key);
      for (auto& waiter : flight->waiters) waiter->notify(executor);
    }
    throw;
  }
  if (leader) {
    st.in_flight.erase(key);
    st.store(key, answer);
    flight->result = answer;
    for (auto& waiter : flight->waiters) waiter->notify(executor);
  }
  co_return answer;
}

SharedAnswer CachingResolver::answer_now(std::string_view name, RecordType type) {
  State& st = *state_;
  std::string scratch;
  auto cached = st.lookup(QueryKeyView{detail::normalized_view(name, scratch), type});
  if (cached) ++st.hits;
  return cached;
}

std::size_t CachingResolver::size() const {
  return state_->entries.size();
}
std::size_t CachingResolver::hits() const {
  return state_->hits;
}
std::size_t CachingResolver::misses() const {
  return state_->misses;
}
void CachingResolver::clear() {
  state_->entries.clear();
  state_->lru.clear();
}

}  // namespace senderauth::dns
