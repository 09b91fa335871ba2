#include "senderauth/dns/caching_resolver.hpp"

#include <gtest/gtest.h>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <chrono>

#include "senderauth/dns/run_sync.hpp"
#include "senderauth/dns/zone_resolver.hpp"

namespace senderauth::dns {
namespace {

using namespace std::chrono_literals;

class CachingResolverTest : public ::testing::Test {
 protected:
  CachingResolverTest() {
    zone_.add_address("a.example.test", *IpAddress::parse("192.0.2.1"), 300);
    zone_.add_address("b.example.test", *IpAddress::parse("192.0.2.2"), 300);
    zone_.add_address("c.example.test", *IpAddress::parse("192.0.2.3"), 300);
    zone_.add_address("zero.example.test", *IpAddress::parse("192.0.2.4"), 0);
    zone_.add_txt("long.example.test", {"v=spf1 -all"}, 999999);
  }

  Answer ask(Resolver& r, const std::string& name, RecordType type = RecordType::A) {
    return run_sync(io_, r.query(name, type));
  }

  asio::io_context io_;
  ZoneResolver zone_;
  std::chrono::steady_clock::time_point now_{};
};

TEST_F(CachingResolverTest, SecondQueryServedFromCacheWithRemainingTtl) {
  CachingResolver cache(zone_, {}, [this] { return now_; });
  auto first = ask(cache, "a.example.test");
  ASSERT_EQ(first.status, Status::ok);
  EXPECT_EQ(first.ttl, 300u);
  now_ += 100s;
  auto second = ask(cache, "A.Example.TEST.");
  EXPECT_EQ(zone_.query_count(), 1u);
  EXPECT_EQ(second.addresses, first.addresses);
  EXPECT_EQ(second.name, "a.example.test");
  EXPECT_EQ(second.ttl, 200u);
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(cache.misses(), 1u);
}

TEST_F(CachingResolverTest, TypesAreCachedSeparately) {
  // A SOA so that the AAAA query's NODATA may be cached too.
  ASSERT_TRUE(zone_.load_zone_text(
      "@ 300 IN SOA ns.example.test. h.example.test. 1 3600 600 86400 60\n", "example.test"));
  CachingResolver cache(zone_, {}, [this] { return now_; });
  ask(cache, "a.example.test", RecordType::A);
  ask(cache, "a.example.test", RecordType::AAAA);
  EXPECT_EQ(zone_.query_count(), 2u);
  EXPECT_EQ(cache.size(), 2u);
}

TEST_F(CachingResolverTest, ExpiresAfterTtl) {
  CachingResolver cache(zone_, {}, [this] { return now_; });
  ask(cache, "a.example.test");
  now_ += 299s;
  ask(cache, "a.example.test");
  EXPECT_EQ(zone_.query_count(), 1u);
  now_ += 1s;
  ask(cache, "a.example.test");
  EXPECT_EQ(zone_.query_count(), 2u);
}

TEST_F(CachingResolverTest, MaxTtlCapsLifetime) {
  CachingOptions options;
  options.max_ttl = 60s;
  CachingResolver cache(zone_, options, [this] { return now_; });
  ask(cache, "long.example.test", RecordType::TXT);
  now_ += 61s;
  ask(cache, "long.example.test", RecordType::TXT);
  EXPECT_EQ(zone_.query_count(), 2u);
}

TEST_F(CachingResolverTest, ZeroTtlNotCached) {
  CachingResolver cache(zone_, {}, [this] { return now_; });
  ask(cache, "zero.example.test");
  ask(cache, "zero.example.test");
  EXPECT_EQ(zone_.query_count(), 2u);
  EXPECT_EQ(cache.size(), 0u);
}

// RFC 2308 5: a negative answer lives min(SOA TTL, SOA MINIMUM), capped by max_negative_ttl.
TEST_F(CachingResolverTest, NegativeAnswersLiveForTheirSoaTtl) {
  ASSERT_TRUE(zone_.load_zone_text(
      "@ 300 IN SOA ns.example.test. h.example.test. 1 3600 600 86400 45\n", "example.test"));
  CachingOptions options;
  options.max_negative_ttl = 30s;
  CachingResolver cache(zone_, options, [this] { return now_; });
  EXPECT_EQ(ask(cache, "nothere.example.test").status, Status::nxdomain);
  EXPECT_EQ(ask(cache, "a.example.test", RecordType::TXT).status, Status::nodata);
  now_ += 29s;
  auto nx = ask(cache, "nothere.example.test");
  EXPECT_EQ(nx.status, Status::nxdomain);
  EXPECT_EQ(nx.ttl, 1u);  // counted down from 30, the cap, not from 45
  EXPECT_EQ(ask(cache, "a.example.test", RecordType::TXT).status, Status::nodata);
  EXPECT_EQ(zone_.query_count(), 2u);
  now_ += 1s;
  EXPECT_EQ(ask(cache, "nothere.example.test").status, Status::nxdomain);
  EXPECT_EQ(zone_.query_count(), 3u);
}

// RFC 2308 5: negative answers without a SOA (ttl 0) SHOULD NOT be cached.
TEST_F(CachingResolverTest, NegativeAnswersWithoutSoaAreNotCached) {
  CachingResolver cache(zone_, {}, [this] { return now_; });
  EXPECT_EQ(ask(cache, "nothere.example.test").status, Status::nxdomain);
  EXPECT_EQ(ask(cache, "nothere.example.test").status, Status::nxdomain);
  EXPECT_EQ(ask(cache, "a.example.test", RecordType::TXT).status, Status::nodata);
  EXPECT_EQ(ask(cache, "a.example.test", RecordType::TXT).status, Status::nodata);
  EXPECT_EQ(zone_.query_count(), 4u);
  EXPECT_EQ(cache.size(), 0u);
}

// A TTL over max_ttl is served as what the entry has left to live, not as upstream gave it.
TEST_F(CachingResolverTest, ServedTtlNeverExceedsTheEntrysLifetime) {
  CachingOptions options;
  options.max_ttl = 60s;
  CachingResolver cache(zone_, options, [this] { return now_; });
  ask(cache, "long.example.test", RecordType::TXT);
  EXPECT_EQ(ask(cache, "long.example.test", RecordType::TXT).ttl, 60u);
  now_ += 20s;
  EXPECT_EQ(ask(cache, "long.example.test", RecordType::TXT).ttl, 40u);
  EXPECT_EQ(zone_.query_count(), 1u);
}

TEST_F(CachingResolverTest, FailuresNotCachedByDefault) {
  zone_.inject_failure("bad.example.test", Status::servfail);
  zone_.inject_failure("slow.example.test", Status::timeout);
  CachingResolver cache(zone_, {}, [this] { return now_; });
  EXPECT_EQ(ask(cache, "bad.example.test").status, Status::servfail);
  EXPECT_EQ(ask(cache, "bad.example.test").status, Status::servfail);
  EXPECT_EQ(ask(cache, "slow.example.test").status, Status::timeout);
  EXPECT_EQ(ask(cache, "slow.example.test").status, Status::timeout);
  EXPECT_EQ(zone_.query_count(), 4u);
}

TEST_F(CachingResolverTest, FailureTtlCachesServfailButNeverTimeouts) {
  zone_.inject_failure("bad.example.test", Status::servfail);
  zone_.inject_failure("slow.example.test", Status::timeout);
  CachingOptions options;
  options.failure_ttl = 5s;
  CachingResolver cache(zone_, options, [this] { return now_; });
  ask(cache, "bad.example.test");
  ask(cache, "bad.example.test");
  ask(cache, "slow.example.test");
  ask(cache, "slow.example.test");
  EXPECT_EQ(zone_.query_count(), 3u);
  now_ += 5s;
  ask(cache, "bad.example.test");
  EXPECT_EQ(zone_.query_count(), 4u);
}

TEST_F(CachingResolverTest, LeastRecentlyUsedEvictedAtMaxEntries) {
  CachingOptions options;
  options.max_entries = 2;
  CachingResolver cache(zone_, options, [this] { return now_; });
  ask(cache, "a.example.test");
  ask(cache, "b.example.test");
  ask(cache, "a.example.test");  // hit: a is now the most recent
  ask(cache, "c.example.test");  // evicts b
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(zone_.query_count(), 3u);
  ask(cache, "a.example.test");
  EXPECT_EQ(zone_.query_count(), 3u);
  ask(cache, "b.example.test");
  EXPECT_EQ(zone_.query_count(), 4u);
}

TEST_F(CachingResolverTest, ClearDropsEverything) {
  CachingResolver cache(zone_, {}, [this] { return now_; });
  ask(cache, "a.example.test");
  cache.clear();
  EXPECT_EQ(cache.size(), 0u);
  ask(cache, "a.example.test");
  EXPECT_EQ(zone_.query_count(), 2u);
}

TEST_F(CachingResolverTest, AnswerNowServesOnlyFreshCachedAnswers) {
  CachingResolver cache(zone_, {}, [this] { return now_; });
  // Never asks upstream: a miss is null and leaves the cache empty.
  EXPECT_EQ(cache.answer_now("a.example.test", RecordType::A), nullptr);
  EXPECT_EQ(zone_.query_count(), 0u);
  EXPECT_EQ(cache.size(), 0u);
  ask(cache, "a.example.test");
  auto hit = cache.answer_now("A.EXAMPLE.test.", RecordType::A);
  ASSERT_NE(hit, nullptr);
  EXPECT_EQ(hit->addresses[0].to_string(), "192.0.2.1");
  EXPECT_EQ(hit->ttl, 300u);
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(cache.answer_now("a.example.test", RecordType::AAAA), nullptr);
  // Within the same second the answer is shared; later it reports the TTL remaining, and the
  // answer handed out before keeps its own.
  EXPECT_EQ(cache.answer_now("a.example.test", RecordType::A), hit);
  now_ += 120s;
  auto later = cache.answer_now("a.example.test", RecordType::A);
  ASSERT_NE(later, nullptr);
  EXPECT_EQ(later->ttl, 180u);
  EXPECT_EQ(hit->ttl, 300u);
  EXPECT_EQ(ask(cache, "a.example.test").ttl, 180u);
  now_ += 180s;
  EXPECT_EQ(cache.answer_now("a.example.test", RecordType::A), nullptr);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(zone_.query_count(), 1u);
}

// An upstream that takes a little while, so that queries overlap.
class SlowResolver final : public Resolver {
 public:
  explicit SlowResolver(Resolver& inner) : inner_(inner) {}
  asio::awaitable<Answer> query(std::string name, RecordType type) override {
    ++calls;
    asio::steady_timer timer(co_await asio::this_coro::executor, 20ms);
    co_await timer.async_wait(asio::use_awaitable);
    co_return co_await inner_.query(std::move(name), type);
  }
  int calls = 0;

 private:
  Resolver& inner_;
};

TEST_F(CachingResolverTest, IdenticalInFlightQueriesCoalesce) {
  SlowResolver slow(zone_);
  CachingResolver cache(slow);
  std::vector<Answer> answers(4);
  for (std::size_t i = 0; i < 3; ++i) {
    asio::co_spawn(io_, cache.query("a.example.test", RecordType::A),
                   [&answers, i](std::exception_ptr, Answer a) { answers[i] = std::move(a); });
  }
  asio::co_spawn(io_, cache.query("b.example.test", RecordType::A),
                 [&answers](std::exception_ptr, Answer a) { answers[3] = std::move(a); });
  io_.run();
  EXPECT_EQ(slow.calls, 2);
  for (std::size_t i = 0; i < 3; ++i) {
    ASSERT_EQ(answers[i].status, Status::ok);
    EXPECT_EQ(answers[i].addresses[0].to_string(), "192.0.2.1");
  }
  EXPECT_EQ(answers[3].addresses[0].to_string(), "192.0.2.2");
}

}  // namespace
}  // namespace senderauth::dns
