// The per-thread cache of parsed records is bounded by entries and by the record text it holds:
// records may be up to 64 KiB each.
#include <gtest/gtest.h>

#include <string>

#include "spf/spf_record_cache.hpp"

namespace senderauth::spf::detail {
namespace {

std::string record_of(std::size_t octets, int n) {
  std::string text = "v=spf1 a:n" + std::to_string(n) + ".example.test";
  while (text.size() + 16 <= octets) text += " ip4:192.0.2.1";
  return text + " -all";
}

TEST(SpfRecordCache, BoundedByTheTextItHolds) {
  RecordCache cache;
  for (int n = 0; n < 40; ++n) {
    const std::string text = record_of(60000, n);
    (void)cache.get(text);  // parse errors (here: over 512 terms) are kept too
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

}  // namespace
}  // namespace senderauth::spf::detail
