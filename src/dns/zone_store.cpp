#include "zone_store.hpp"

#include <algorithm>
#include <limits>
#include <utility>

#include "zone_limits.hpp"

namespace senderauth::dns {

namespace {

std::string parent_of(const std::string& name) {
  const auto dot = name.find('.');
  return dot == std::string::npos ? std::string() : name.substr(dot + 1);
}

void append_record(const ZoneRecord& record, Answer& answer) {
  switch (record.type) {
    case RecordType::A:
    case RecordType::AAAA:
      answer.addresses.push_back(record.address);
      break;
    case RecordType::TXT:
    case RecordType::SPF:
      answer.txt.push_back(record.strings);
      break;
    case RecordType::MX:
      answer.mx.push_back(MxRecord{record.preference, record.target});
      break;
    case RecordType::PTR:
    case RecordType::NS:
    case RecordType::CNAME:
      answer.names.push_back(record.target);
      break;
    case RecordType::CAA:
      answer.caa.push_back(record.caa);
      break;
    case RecordType::SOA:
      break;  // Answer has no SOA fields; the libunbound backend does the same
  }
}

// Same type and data (the TTL aside): one record as far as DNS is concerned (RFC 2181 5).
bool same_rr(const ZoneRecord& a, const ZoneRecord& b) {
  if (a.type != b.type) return false;
  switch (a.type) {
    case RecordType::A:
    case RecordType::AAAA:
      return a.address == b.address;
    case RecordType::TXT:
    case RecordType::SPF:
      return a.strings == b.strings;
    case RecordType::MX:
      return a.preference == b.preference && a.target == b.target;
    case RecordType::PTR:
    case RecordType::NS:
    case RecordType::CNAME:
      return a.target == b.target;
    case RecordType::CAA:
      return a.caa.flags == b.caa.flags && a.caa.tag == b.caa.tag && a.caa.value == b.caa.value;
    case RecordType::SOA:
      return a.soa.mname == b.soa.mname && a.soa.rname == b.soa.rname &&
             a.soa.serial == b.soa.serial && a.soa.refresh == b.soa.refresh &&
             a.soa.retry == b.soa.retry && a.soa.expire == b.soa.expire &&
             a.soa.minimum == b.soa.minimum;
  }
  return false;
}

}  // namespace

Result<std::string> checked_zone_name(std::string_view name) {
  if (std::string why = why_name_cannot_exist(name); !why.empty()) return make_error(why);
  return normalize_query_name(name);
}

Result<void> ZoneStore::merge(ZoneContent content) {
  if (content.records.size() > zone_limits::kMaxRecords - record_count_) {
    return make_error("too many records: a zone holds at most " +
                      std::to_string(zone_limits::kMaxRecords));
  }
  for (auto& record : content.records) add(std::move(record));
  for (const auto& name : content.existing_names) add_existing_name(name);
  for (auto& failure : content.failures) inject_failure(std::move(failure));
  return {};
}

void ZoneStore::add(ZoneRecord record) {
  record.owner = normalize_query_name(record.owner);
  add_ancestors(record.owner);
  auto& node = nodes_[record.owner];
  // An RRset is a set (RFC 2181 5): a record given twice is served once, as nsd serves it, so
  // that two identical "v=spf1" TXT records are one record, not SPF's permerror for two.
  for (auto& kept : node.records) {
    if (same_rr(kept, record)) {
      kept.ttl = std::min(kept.ttl, record.ttl);
      return;
    }
  }
  node.records.push_back(std::move(record));
  ++record_count_;
}

void ZoneStore::add_existing_name(const std::string& name) {
  const std::string key = normalize_query_name(name);
  add_ancestors(key);
  nodes_.try_emplace(key);
}

void ZoneStore::inject_failure(InjectedFailure failure) {
  failure.name = normalize_query_name(failure.name);
  auto key = failure.name;
  failures_[key] = std::move(failure);
}

void ZoneStore::add_ancestors(const std::string& name) {
  std::string current = name;
  while (!current.empty()) {
    current = parent_of(current);
    if (!ancestors_.insert(current).second) break;  // its parents are there already
  }
}

const ZoneStore::Node* ZoneStore::find(const std::string& name) const {
  auto it = nodes_.find(name);
  return it == nodes_.end() ? nullptr : &it->second;
}

bool ZoneStore::exists(const std::string& name) const {
  return nodes_.count(name) != 0 || ancestors_.count(name) != 0;
}

// RFC 2308 5: the negative answer lives min(SOA TTL, SOA minimum) of the enclosing zone; 0 (not
// cacheable) when no SOA encloses the name, as in the SPF suite's zonedata.
std::uint32_t ZoneStore::negative_ttl(const std::string& name) const {
  std::string current = name;
  while (true) {
    if (const Node* node = find(current)) {
      for (const auto& record : node->records) {
        if (record.type == RecordType::SOA) return std::min(record.ttl, record.soa.minimum);
      }
    }
    if (current.empty()) return 0;
    current = parent_of(current);
  }
}

Answer ZoneStore::lookup(std::string_view name, RecordType type) const {
  Answer answer;
  answer.name = normalize_query_name(name);
  answer.type = type;
  answer.dnssec = DnssecState::indeterminate;
  if (std::string why = why_name_cannot_exist(name); !why.empty()) {
    answer.status = Status::nxdomain;
    answer.error_text = "no such name can exist: " + why;
    return answer;
  }
  std::string current = answer.name;
  std::uint32_t ttl = std::numeric_limits<std::uint32_t>::max();
  while (true) {
    const Node* node = find(current);
    bool synthesized = false;
    if (!node && !exists(current)) {
      // RFC 4592: a name that does not exist takes its records from the wildcard child of its
      // closest encloser, if there is one ("*.wild" answers for x.wild and a.b.wild, not for
      // wild itself nor below a name that exists, an empty non-terminal included).
      std::string encloser = current;
      do {
        encloser = parent_of(encloser);
      } while (!encloser.empty() && !exists(encloser));
      const std::string wildcard = encloser.empty() ? "*" : "*." + encloser;
      if (exists(wildcard)) {
        node = find(wildcard);
        synthesized = true;
      }
    }
    bool has_type = false;
    const ZoneRecord* cname = nullptr;
    if (node) {
      for (const auto& record : node->records) {
        if (record.type == type) has_type = true;
        if (record.type == RecordType::CNAME && !cname) cname = &record;
      }
    }
    if (auto failure = failures_.find(current); failure != failures_.end()) {
      if (failure->second.scope == FailureScope::all_types || !has_type) {
        answer.status = failure->second.status;
        answer.error_text =
            "injected " + std::string(to_string(failure->second.status)) + " for " + current;
        return answer;
      }
    }
    if (has_type) {
      for (const auto& record : node->records) {
        if (record.type != type) continue;
        append_record(record, answer);
        ttl = std::min(ttl, record.ttl);
      }
      answer.status = Status::ok;
      answer.ttl = ttl;
      return answer;
    }
    if (cname && type != RecordType::CNAME) {
      ttl = std::min(ttl, cname->ttl);
      const bool loop = cname->target == answer.name ||
                        std::find(answer.cname_chain.begin(), answer.cname_chain.end(),
                                  cname->target) != answer.cname_chain.end();
      answer.cname_chain.push_back(cname->target);
      if (loop) {
        answer.status = Status::servfail;
        answer.error_text = "CNAME loop at " + cname->target;
        return answer;
      }
      if (answer.cname_chain.size() > zone_limits::kMaxCnameChain) {
        answer.status = Status::servfail;
        answer.error_text =
            "CNAME chain longer than " + std::to_string(zone_limits::kMaxCnameChain);
        return answer;
      }
      current = cname->target;
      continue;
    }
    answer.status = synthesized || exists(current) ? Status::nodata : Status::nxdomain;
    answer.ttl = negative_ttl(current);
    return answer;
  }
}

}  // namespace senderauth::dns
