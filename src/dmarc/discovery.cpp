#include "senderauth/dmarc/discovery.hpp"

#include <string>
#include <utility>

#include "senderauth/core/domain_name.hpp"
#include "senderauth/dns/answer.hpp"

namespace senderauth::dmarc {

namespace {

std::vector<std::string_view> split_labels(std::string_view domain) {
  std::vector<std::string_view> labels;
  std::size_t start = 0;
  while (start <= domain.size()) {
    std::size_t dot = domain.find('.', start);
    if (dot == std::string_view::npos) dot = domain.size();
    labels.push_back(domain.substr(start, dot - start));
    start = dot + 1;
  }
  return labels;
}

// The last `count` labels of `domain`.
std::string suffix(std::string_view domain, std::size_t count) {
  const auto labels = split_labels(domain);
  std::string out;
  for (std::size_t i = labels.size() - count; i < labels.size(); ++i) {
    if (!out.empty()) out.push_back('.');
    out += labels[i];
  }
  return out;
}

std::size_t label_count(std::string_view domain) {
  return split_labels(domain).size();
}

// parse_record's error for a record with neither a usable p nor a valid rua: RFC 9989 makes
// that "no policy" (DMARC does not apply), not a broken record.
bool is_missing_policy(const std::string& error) {
  const std::string_view tail = "no valid rua tag";
  return error.size() >= tail.size() &&
         error.compare(error.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace

std::vector<std::string> tree_walk_names(std::string_view domain, std::size_t max_queries) {
  std::vector<std::string> names;
  if (domain.empty() || max_queries == 0) return names;
  names.emplace_back(domain);
  const std::size_t x = label_count(domain);
  // RFC 9989 4.10 step 5: from 8 labels up, jump straight to the last 7.
  std::size_t next = x >= 8 ? 7 : x - 1;
  for (; next >= 1 && names.size() < max_queries; --next) {
    names.push_back(suffix(domain, next));
  }
  return names;
}

PolicyFinder::PolicyFinder(dns::Resolver& resolver, DiscoveryOptions options)
    : resolver_(resolver), options_(std::move(options)) {}

asio::awaitable<RecordLookup> PolicyFinder::lookup(std::string domain) {
  if (auto it = cache_.find(domain); it != cache_.end()) co_return it->second;
  const std::string qname = "_dmarc." + domain;
  queries_.push_back(qname);
  const dns::Answer answer = co_await resolver_.query(qname, dns::RecordType::TXT);
  RecordLookup out;
  out.name = domain;
  if (answer.temporary_failure()) {
    out.kind = RecordLookup::Kind::temporary;
    out.error = std::string(dns::to_string(answer.status)) +
                (answer.error_text.empty() ? "" : ": " + answer.error_text);
  } else if (answer.ok()) {
    std::vector<std::string> records;
    for (std::string& txt : answer.joined_txt()) {
      if (is_dmarc_record(txt)) records.push_back(std::move(txt));
    }
    if (records.size() > 1) {
      out.kind = RecordLookup::Kind::multiple;
    } else if (records.size() == 1) {
      out.text = records.front();
      auto parsed = parse_record(out.text);
      if (parsed) {
        out.kind = RecordLookup::Kind::record;
        out.record = std::move(*parsed);
      } else {
        out.kind = RecordLookup::Kind::invalid;
        out.error = parsed.reason();
      }
    }
  }
  cache_.emplace(domain, out);
  co_return out;
}

asio::awaitable<PolicyDiscovery> PolicyFinder::discover(std::string domain) {
  PolicyDiscovery out;
  out.author_domain = domain;
  std::vector<std::string> names;
  if (options_.method == OrgDomainMethod::public_suffix_list) {
    if (!options_.psl) {
      out.status = PolicyDiscovery::Status::permerror;
      out.reason = "no public suffix list loaded";
      co_return out;
    }
    names.push_back(domain);
    std::string org = options_.psl->organizational_domain(domain);
    if (org != domain) names.push_back(std::move(org));
  } else {
    names = tree_walk_names(domain, options_.max_walk_queries);
  }
  std::string notes;
  for (const std::string& name : names) {
    const RecordLookup r = co_await lookup(name);
    switch (r.kind) {
      case RecordLookup::Kind::none:
        continue;
      case RecordLookup::Kind::multiple:
        notes = "several DMARC records at _dmarc." + name + " ignored";
        continue;
      case RecordLookup::Kind::temporary:
        out.status = PolicyDiscovery::Status::temperror;
        out.reason = "DNS failure for _dmarc." + name + ": " + r.error;
        co_return out;
      case RecordLookup::Kind::invalid:
        out.policy_domain = name;
        out.record_text = r.text;
        if (is_missing_policy(r.error)) {
          out.status = PolicyDiscovery::Status::none;
          out.reason = "record at _dmarc." + name + " has no policy: " + r.error;
        } else {
          out.status = PolicyDiscovery::Status::permerror;
          out.reason = "invalid record at _dmarc." + name + ": " + r.error;
        }
        co_return out;
      case RecordLookup::Kind::record:
        out.status = PolicyDiscovery::Status::found;
        out.policy_domain = name;
        out.record_text = r.text;
        out.record = r.record;
        out.reason = name == domain ? "record at the author domain"
                                    : "record at " + name + " for a subdomain";
        co_return out;
    }
  }
  out.status = PolicyDiscovery::Status::none;
  out.reason = notes.empty() ? "no DMARC record for " + domain : notes;
  co_return out;
}

asio::awaitable<OrgDomainResult> PolicyFinder::organizational_domain(std::string domain) {
  OrgDomainResult out;
  out.domain = domain;
  if (options_.method == OrgDomainMethod::public_suffix_list) {
    if (options_.psl) out.domain = options_.psl->organizational_domain(domain);
    out.reason = "public suffix list";
    co_return out;
  }
  // RFC 9989 4.10.2: psd=n marks the organisational domain; psd=y (above the start) puts it
  // one label below; otherwise the record with the fewest labels; otherwise the domain itself.
  std::string fewest;
  for (const std::string& name : tree_walk_names(domain, options_.max_walk_queries)) {
    const RecordLookup r = co_await lookup(name);
    if (r.kind == RecordLookup::Kind::temporary) {
      out.temperror = true;
      out.reason = "DNS failure for _dmarc." + name + ": " + r.error;
      co_return out;
    }
    if (r.kind != RecordLookup::Kind::record) continue;
    if (r.record->psd == PsdFlag::no) {
      out.domain = name;
      out.reason = "psd=n at " + name;
      co_return out;
    }
    if (r.record->psd == PsdFlag::yes && name != domain) {
      out.domain = suffix(domain, label_count(name) + 1);
      out.reason = "one label below the public suffix domain " + name;
      co_return out;
    }
    fewest = name;
  }
  if (!fewest.empty()) {
    out.domain = fewest;
    out.reason = "record with the fewest labels";
  } else {
    out.reason = "no record: the domain itself";
  }
  co_return out;
}

}  // namespace senderauth::dmarc
