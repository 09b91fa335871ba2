// The data behind ZoneResolver: records by owner name, names that exist without records, and
// injected failures; plus the lookup that turns them into an Answer (NXDOMAIN vs NODATA, CNAME
// chains). Loaders build a ZoneContent first so a failed load changes nothing.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "senderauth/core/result.hpp"
#include "senderauth/dns/answer.hpp"
#include "senderauth/dns/zone_resolver.hpp"

namespace senderauth::dns {

struct SoaData {
  std::string mname;
  std::string rname;
  std::uint32_t serial = 0;
  std::uint32_t refresh = 0;
  std::uint32_t retry = 0;
  std::uint32_t expire = 0;
  std::uint32_t minimum = 0;
};

// One resource record; only the fields of its type are meaningful.
struct ZoneRecord {
  std::string owner;  // lower-case, no trailing dot
  RecordType type = RecordType::A;
  std::uint32_t ttl = 300;
  IpAddress address;                 // A, AAAA
  std::vector<std::string> strings;  // TXT, SPF
  std::uint16_t preference = 0;      // MX
  std::string target;                // MX exchange; PTR, NS, CNAME target
  CaaRecord caa;                     // CAA
  SoaData soa;                       // SOA
};

struct InjectedFailure {
  std::string name;
  Status status = Status::timeout;
  FailureScope scope = FailureScope::all_types;
};

// What one load adds, applied all at once by ZoneStore::merge.
struct ZoneContent {
  std::vector<ZoneRecord> records;
  std::vector<std::string> existing_names;  // names that exist even without records
  std::vector<InjectedFailure> failures;
};

class ZoneStore {
 public:
  // Fails (and adds nothing) when the resolver would exceed zone_limits::kMaxRecords.
  Result<void> merge(ZoneContent content);
  void add(ZoneRecord record);
  void add_existing_name(const std::string& name);
  void inject_failure(InjectedFailure failure);

  Answer lookup(std::string_view name, RecordType type) const;
  std::size_t record_count() const { return record_count_; }

 private:
  struct Node {
    std::vector<ZoneRecord> records;
  };
  const Node* find(const std::string& name) const;
  bool exists(const std::string& name) const;
  std::uint32_t negative_ttl(const std::string& name) const;
  void add_ancestors(const std::string& name);

  std::unordered_map<std::string, Node> nodes_;
  std::unordered_set<std::string> ancestors_;  // every parent of a node: empty non-terminals
  std::unordered_map<std::string, InjectedFailure> failures_;
  std::size_t record_count_ = 0;
};

// Lower-cases `name`, drops one trailing dot and checks the RFC 1035 length limits and that no
// label is empty. The root is "". Other bytes (spaces, '%', ':') are accepted: the SPF suite
// uses them in owner names.
Result<std::string> checked_zone_name(std::string_view name);

}  // namespace senderauth::dns
