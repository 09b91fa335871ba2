// An in-memory DNS: answers from records loaded from a master file, the SPF suite's YAML
// zonedata, or the DKIM suite's "name value" files. Fault injection and a query log for tests.
// Not thread-safe (answers are memoised and queries logged): one per executor thread.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "senderauth/core/result.hpp"
#include "senderauth/dns/resolver.hpp"

namespace YAML {
class Node;
}

namespace senderauth::dns {

enum class FailureScope : std::uint8_t {
  all_types,              // every query at the name fails
  types_without_records,  // only types the name has no record of (the SPF suite's TIMEOUT)
};

class ZoneResolver final : public Resolver {
 public:
  ZoneResolver();
  ~ZoneResolver() override;
  ZoneResolver(ZoneResolver&&) noexcept;
  ZoneResolver& operator=(ZoneResolver&&) noexcept;

  // RFC 1035 master file text: $ORIGIN, $TTL, A, AAAA, TXT (several strings), MX, PTR, CNAME,
  // NS, SOA, CAA; parentheses, comments, relative names, "@". Errors name the line.
  Result<void> load_zone_text(std::string_view text, std::string_view origin = "");
  // One SPF-suite scenario's `zonedata` map (see conformance/spf/SOURCE.md).
  Result<void> load_spf_zonedata(const YAML::Node& zonedata);
  // The DKIM suite's "owner value" lines (see conformance/dkim/SOURCE.md): TXT only.
  Result<void> load_name_value_text(std::string_view text);
  // Reads a file and picks the format: YAML zonedata (".yml"/".yaml" or a top-level mapping of
  // names to record lists), "name value" (".txt"/".dat"/".dns"), otherwise a master file.
  Result<void> load_file(const std::string& path);

  void add_address(std::string_view name, const IpAddress& address, std::uint32_t ttl = 300);
  void add_txt(std::string_view name, std::vector<std::string> strings, std::uint32_t ttl = 300);
  void add_mx(std::string_view name, std::uint16_t preference, std::string_view exchange,
              std::uint32_t ttl = 300);
  void add_ptr(std::string_view name, std::string_view target, std::uint32_t ttl = 300);
  void add_cname(std::string_view name, std::string_view target, std::uint32_t ttl = 300);
  void add_ns(std::string_view name, std::string_view target, std::uint32_t ttl = 300);
  void add_caa(std::string_view name, CaaRecord caa, std::uint32_t ttl = 300);
  // Makes the name exist with no records (NODATA for every type).
  void add_empty_name(std::string_view name);

  // Queries at `name` answer `status` (timeout, servfail, error) instead of data.
  void inject_failure(std::string_view name, Status status,
                      FailureScope scope = FailureScope::all_types);

  asio::awaitable<Answer> query(std::string name, RecordType type) override;
  // Always answers: the zone never blocks. Logged like query().
  SharedAnswer answer_now(std::string_view name, RecordType type) override;
  // The zone's answer, without logging it as a query.
  Answer lookup(std::string_view name, RecordType type) const;

  // Every query() and answer_now(), in order, for tests. On by default; a long-running user
  // (a benchmark, the demo) turns it off so the log does not grow without bound.
  void set_query_log_enabled(bool enabled) { log_enabled_ = enabled; }
  std::size_t query_count() const { return log_.size(); }
  const std::vector<std::pair<std::string, RecordType>>& query_log() const { return log_; }
  void clear_query_log() { log_.clear(); }

 private:
  // Built answers by (name, type), dropped whenever the zone changes.
  SharedAnswer memoized(std::string_view name, RecordType type);
  void zone_changed();

  struct Zone;
  std::unique_ptr<Zone> zone_;
  std::vector<std::pair<std::string, RecordType>> log_;
  bool log_enabled_ = true;
};

// Loads a file in any of the three formats into a new resolver.
Result<std::unique_ptr<ZoneResolver>> load_zone_resolver(const std::string& path);

}  // namespace senderauth::dns
