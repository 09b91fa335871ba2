#include "senderauth/dns/caching_resolver.hpp"

#include "senderauth/dns/completion_signal.hpp"

#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace senderauth::dns {
namespace {

using TimePoint = std::chrono::steady_clock::time_point;

struct Key {
  std::string name;
  RecordType type;
  bool operator==(const Key&) const = default;
};

struct KeyHash {
  std::size_t operator()(const Key& key) const {
    return std::hash<std::string>{}(key.name) * 31 + static_cast<std::size_t>(key.type);
  }
};

struct Entry {
  Answer answer;
  TimePoint stored;
  TimePoint expires;
  std::list<Key>::iterator lru;  // position in State::lru (front = most recent)
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
  std::unordered_map<Key, Entry, KeyHash> entries;
  std::list<Key> lru;
  std::unordered_map<Key, std::shared_ptr<InFlight>, KeyHash> in_flight;
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
        return std::min(answer.ttl > 0 ? seconds(answer.ttl) : options.negative_ttl,
                        options.max_negative_ttl);
      case Status::servfail:
      case Status::error:
        return options.failure_ttl;
      case Status::timeout:
        return seconds(0);
    }
    return seconds(0);
  }

  std::optional<Answer> lookup(const Key& key) {
    auto it = entries.find(key);
    if (it == entries.end()) return std::nullopt;
    const TimePoint now = clock();
    if (now >= it->second.expires) {
      lru.erase(it->second.lru);
      entries.erase(it);
      return std::nullopt;
    }
    lru.splice(lru.begin(), lru, it->second.lru);
    Answer answer = it->second.answer;
    const auto age = std::chrono::duration_cast<std::chrono::seconds>(now - it->second.stored);
    const auto elapsed = static_cast<std::uint32_t>(std::max<std::int64_t>(0, age.count()));
    answer.ttl = answer.ttl > elapsed ? answer.ttl - elapsed : 0;
    return answer;
  }

  void store(const Key& key, const Answer& answer) {
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
    entries.emplace(key, Entry{answer, now, now + keep, lru.begin()});
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
  Key key{normalize_query_name(name), type};
  if (auto cached = st.lookup(key)) {
    ++st.hits;
    co_return std::move(*cached);
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
