// Parsed SPF records keyed by their text, so a busy receiver parses each policy once rather than
// once per message: parsing is most of an in-memory check's cost. One cache per thread (the
// evaluator runs on one executor thread at a time), bounded; parse errors are cached too.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "senderauth/spf/spf_record.hpp"

namespace senderauth::spf::detail {

class RecordCache {
 public:
  static constexpr std::size_t kMaxEntries = 512;
  // Memory the entries hold in all (record text and parsed terms, footprint()): records may be
  // up to 64 KiB each (kMaxRecordLength) with up to 8192 terms, ~1 MiB parsed, and 512 such
  // would hold 512 MiB per thread. The slots below add at most kSlots answers they keep alive.
  static constexpr std::size_t kMaxBytes = 4 * 1024 * 1024;

  // The parse result for `text`, which lies inside `owner` (an answer the resolver shares and
  // never changes): while a slot keeps `owner` alive, the same address and length mean the same
  // bytes, so a repeat costs a pointer compare instead of hashing and comparing the text.
  std::shared_ptr<const Result<SpfRecord>> get(std::string_view text,
                                               const std::shared_ptr<const void>& owner) {
    Slot& slot = slots_[(reinterpret_cast<std::uintptr_t>(text.data()) >> 4) % kSlots];
    if (slot.owner && slot.text.data() == text.data() && slot.text.size() == text.size()) {
      return slot.parsed;
    }
    slot.parsed = get(text);
    slot.text = text;
    slot.owner = owner;
    return slot.parsed;
  }

  // The parse result for `text`, parsing on a miss.
  std::shared_ptr<const Result<SpfRecord>> get(std::string_view text) {
    if (auto it = entries_.find(text); it != entries_.end()) return it->second;
    auto parsed = std::make_shared<const Result<SpfRecord>>(SpfRecord::parse(text));
    const std::size_t cost = footprint(text, *parsed);
    // Simplest bounded policy: start over when full. Records change rarely; a refill costs
    // one parse per policy. The slots go too: they would keep evicted records alive.
    if (entries_.size() >= kMaxEntries || bytes_ + cost > kMaxBytes) {
      entries_.clear();
      for (Slot& slot : slots_) slot = Slot{};
      bytes_ = 0;
    }
    entries_.emplace(std::string(text), parsed);
    bytes_ += cost;
    return parsed;
  }

  // What an entry holds: its key (the text), and the parsed terms with their heap strings.
  static std::size_t footprint(std::string_view text, const Result<SpfRecord>& parsed) {
    std::size_t bytes = text.size();
    if (!parsed.ok()) return bytes + parsed.reason().size();
    auto heap = [](const std::string& s) { return s.capacity() > 15 ? s.capacity() : 0; };
    for (const Mechanism& m : parsed->mechanisms) {
      bytes += sizeof(Mechanism) + heap(m.domain_spec) + heap(m.text);
    }
    return bytes;
  }

  std::size_t size() const { return entries_.size(); }
  std::size_t bytes() const { return bytes_; }

  static RecordCache& for_this_thread() {
    thread_local RecordCache cache;
    return cache;
  }

 private:
  static constexpr std::size_t kSlots = 64;
  struct Slot {
    std::shared_ptr<const void> owner;
    std::string_view text;
    std::shared_ptr<const Result<SpfRecord>> parsed;
  };
  Slot slots_[kSlots];

  // Lets find() take a string_view: a probe does not copy the record text.
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
      return std::hash<std::string_view>{}(text);
    }
  };
  std::unordered_map<std::string, std::shared_ptr<const Result<SpfRecord>>, TextHash,
                     std::equal_to<>>
      entries_;
  std::size_t bytes_ = 0;  // footprint() of entries_
};

}  // namespace senderauth::spf::detail
