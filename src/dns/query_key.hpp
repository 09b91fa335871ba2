// (name, type) keys for the in-memory answer maps of ZoneResolver and CachingResolver, looked up
// with a string_view so a probe does not allocate, and names normalised without allocating
// when they already are (the common case: the protocols ask in lower case without a dot).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "senderauth/dns/answer.hpp"
#include "senderauth/dns/resolver.hpp"

namespace senderauth::dns::detail {

struct QueryKey {
  std::string name;  // normalised: lower-case, no trailing dot
  RecordType type = RecordType::A;
};

struct QueryKeyView {
  std::string_view name;
  RecordType type = RecordType::A;
};

struct QueryKeyHash {
  using is_transparent = void;
  std::size_t operator()(QueryKeyView key) const {
    return std::hash<std::string_view>{}(key.name) * 31 + static_cast<std::size_t>(key.type);
  }
  std::size_t operator()(const QueryKey& key) const { return (*this)(view(key)); }
  static QueryKeyView view(const QueryKey& key) { return {key.name, key.type}; }
};

struct QueryKeyEqual {
  using is_transparent = void;
  static bool same(QueryKeyView a, QueryKeyView b) { return a.type == b.type && a.name == b.name; }
  bool operator()(QueryKeyView a, QueryKeyView b) const { return same(a, b); }
  bool operator()(const QueryKey& a, QueryKeyView b) const {
    return same(QueryKeyHash::view(a), b);
  }
  bool operator()(QueryKeyView a, const QueryKey& b) const {
    return same(a, QueryKeyHash::view(b));
  }
  bool operator()(const QueryKey& a, const QueryKey& b) const {
    return same(QueryKeyHash::view(a), QueryKeyHash::view(b));
  }
};

// `name` normalised like normalize_query_name(): `name` itself when it already is, else the
// normalised copy written to `scratch`.
inline std::string_view normalized_view(std::string_view name, std::string& scratch) {
  bool clean = name.empty() || name.back() != '.';
  for (char c : name) {
    if (c >= 'A' && c <= 'Z') {
      clean = false;
      break;
    }
  }
  if (clean) return name;
  scratch = normalize_query_name(name);
  return scratch;
}

}  // namespace senderauth::dns::detail
