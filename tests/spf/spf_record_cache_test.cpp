// The per-thread cache of parsed records is bounded by entries and by the memory it holds
// (record text and parsed terms): records may be up to 64 KiB and 8192 terms each.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "spf/spf_record_cache.hpp"

namespace senderauth::spf::detail {
namespace {

std::string record_of(std::size_t octets, int n) {
  std::string text = "v=spf1 a:n" + std::to_string(n) + ".example.test";
  while (text.size() + 16 <= octets) text += " ip4:192.0.2.1";
  return text + " -all";
}

TEST(SpfRecordCache, BoundedByWhatItHolds) {
  RecordCache cache;
  const std::string first = record_of(60000, 0);
  auto parsed = cache.get(first);
  ASSERT_TRUE(parsed->ok()) << parsed->reason();  // ~4 300 terms: under kMaxTerms
  // The parsed terms count, not only the text: ~4 300 Mechanisms outweigh 60 000 octets.
  EXPECT_GT(cache.bytes(), first.size() + (*parsed)->mechanisms.size() * sizeof(Mechanism) / 2);
  for (int n = 1; n < 40; ++n) {
    (void)cache.get(record_of(60000, n));
    EXPECT_LE(cache.bytes(), RecordCache::kMaxBytes);
  }
  EXPECT_GT(cache.size(), 0u);
  EXPECT_LE(cache.size(), RecordCache::kMaxBytes / 60000);
}

TEST(SpfRecordCache, BoundedByEntries) {
  RecordCache cache;
  for (int n = 0; n < 1200; ++n) {
    (void)cache.get(record_of(40, n));
    EXPECT_LE(cache.size(), RecordCache::kMaxEntries);
  }
  const std::string again = record_of(40, 1199);
  EXPECT_EQ(cache.get(again), cache.get(again));  // kept: the same parse, not a new one
}

// A slot keeps the answer its text lies in alive, and its parse; starting over lets both go, so
// evicted records are not held through the slots.
TEST(SpfRecordCache, StartingOverReleasesTheSlots) {
  RecordCache cache;
  auto answer = std::make_shared<const std::string>(record_of(60000, 0));
  std::weak_ptr<const Result<SpfRecord>> parse = cache.get(*answer, answer);
  EXPECT_EQ(answer.use_count(), 2);
  EXPECT_FALSE(parse.expired());
  for (int n = 1; n < 40; ++n) (void)cache.get(record_of(60000, n));
  EXPECT_EQ(answer.use_count(), 1);
  EXPECT_TRUE(parse.expired());
}

}  // namespace
}  // namespace senderauth::spf::detail
