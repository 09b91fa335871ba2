// Parsed SPF records keyed by their text, so a busy receiver parses each policy once rather than
// once per message: parsing is most of an in-memory check's cost. One cache per thread (the
// evaluator runs on one executor thread at a time), bounded; parse errors are cached too.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "senderauth/spf/spf_record.hpp"

namespace senderauth::spf::detail {

class RecordCache {
 public:
  static constexpr std::size_t kMaxEntries = 512;

  // The parse result for `text`, parsing on a miss.
  std::shared_ptr<const Result<SpfRecord>> get(const std::string& text) {
    if (auto it = entries_.find(text); it != entries_.end()) return it->second;
    // Simplest bounded policy: start over when full. Records change rarely; a refill costs
    // one parse per policy.
    if (entries_.size() >= kMaxEntries) entries_.clear();
    auto parsed = std::make_shared<const Result<SpfRecord>>(SpfRecord::parse(text));
    entries_.emplace(text, parsed);
    return parsed;
  }

  static RecordCache& for_this_thread() {
    thread_local RecordCache cache;
    return cache;
  }

 private:
  std::unordered_map<std::string, std::shared_ptr<const Result<SpfRecord>>> entries_;
};

}  // namespace senderauth::spf::detail
