#include "senderauth/dmarc/discovery.hpp"

#include <string>
#include <utility>

#include "senderauth/core/domain_name.hpp"
#include "senderauth/dns/answer.hpp"
#include "senderauth/dns/shared_answer.hpp"

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

std::shared_ptr<const RecordLookup> PolicyFinder::remember(const std::string& domain,
                                                           const dns::Answer& answer) {
  auto out = std::make_shared<RecordLookup>();
  out->name = domain;
  if (answer.temporary_failure()) {
    out->kind = RecordLookup::Kind::temporary;
    out->error = std::string(dns::to_string(answer.status)) +
                 (answer.error_text.empty() ? "" : ": " + answer.error_text);
  } else if (answer.ok()) {
    std::vector<std::string> records;
    for (std::string& txt : answer.joined_txt()) {
      if (is_dmarc_record(txt)) records.push_back(std::move(txt));
    }
    if (records.size() > 1) {
      out->kind = RecordLookup::Kind::multiple;
    } else if (records.size() == 1) {
      out->text = std::move(records.front());
      auto parsed = parse_record(out->text);
      if (parsed) {
        out->kind = RecordLookup::Kind::record;
        out->record = std::move(*parsed);
      } else {
        out->kind = RecordLookup::Kind::invalid;
        out->error = parsed.reason();
      }
    }
  }
  cache_.emplace(domain, out);
  return out;
}

std::shared_ptr<const RecordLookup> PolicyFinder::lookup_now(const std::string& domain) {
  if (auto it = cache_.find(domain); it != cache_.end()) return it->second;
  std::string qname = "_dmarc." + domain;
  dns::SharedAnswer answer = resolver_.answer_now(qname, dns::RecordType::TXT);
  if (!answer) return nullptr;
  queries_.push_back(std::move(qname));
  return remember(domain, *answer);
}

asio::awaitable<std::shared_ptr<const RecordLookup>> PolicyFinder::lookup(std::string domain) {
  if (auto found = lookup_now(domain)) co_return found;
  const std::string qname = "_dmarc." + domain;
  queries_.push_back(qname);
  const dns::SharedAnswer answer =
      co_await dns::query_shared(resolver_, qname, dns::RecordType::TXT);
  co_return remember(domain, *answer);
}

asio::awaitable<PolicyFinder::Walk> PolicyFinder::walk(const std::string& domain) {
  // RFC 9989 4.10 / 4.10.2: ask each name of the walk, stopping at a record with a psd=n or
  // psd=y tag; then psd=n marks the organisational domain, psd=y above the start puts it one
  // label below, otherwise (psd=y at the start among them: there is no name below it to
  // choose) the record with the fewest labels does, otherwise the domain itself.
  Walk out;
  out.org_domain = domain;
  std::shared_ptr<const RecordLookup> fewest;
  for (const std::string& name : tree_walk_names(domain, options_.max_walk_queries)) {
    auto r = co_await lookup(name);
    if (r->kind == RecordLookup::Kind::temporary) {
      out.temperror = true;
      out.reason = "DNS failure for _dmarc." + name + ": " + r->error;
      co_return out;
    }
    if (r->kind == RecordLookup::Kind::multiple) {
      out.notes = "several DMARC records at _dmarc." + name + " ignored";
      continue;
    }
    if (r->kind == RecordLookup::Kind::invalid && out.notes.empty()) {
      out.notes = "unusable record at _dmarc." + name + " ignored: " + r->error;
    }
    if (r->kind != RecordLookup::Kind::record) continue;
    if (r->record->psd == PsdFlag::no) {
      out.org_domain = name;
      out.org_record = r;
      out.reason = "psd=n at " + name;
      co_return out;
    }
    if (r->record->psd == PsdFlag::yes && name == domain) {
      out.org_domain = name;
      out.org_record = r;
      out.reason = "psd=y at " + name + " itself";
      co_return out;
    }
    if (r->record->psd == PsdFlag::yes) {
      out.org_domain = suffix(domain, label_count(name) + 1);
      out.psd_record = r;
      if (auto org = cache_.find(out.org_domain);
          org != cache_.end() && org->second->kind == RecordLookup::Kind::record) {
        out.org_record = org->second;
      }
      out.reason = "one label below the public suffix domain " + name;
      co_return out;
    }
    fewest = r;
  }
  if (fewest) {
    out.org_domain = fewest->name;
    out.org_record = fewest;
    out.reason = "record with the fewest labels";
  } else {
    out.reason = "no record: the domain itself";
  }
  co_return out;
}

asio::awaitable<PolicyDiscovery> PolicyFinder::discover(std::string domain) {
  PolicyDiscovery out;
  out.author_domain = domain;
  out.org_domain = domain;
  const auto use = [&out](const RecordLookup& r) {
    out.status = PolicyDiscovery::Status::found;
    out.policy_domain = r.name;
    out.record_text = r.text;
    out.record = r.record;
  };

  // RFC 9989 4.10.1: the author domain's own record wins outright.
  auto own = co_await lookup(domain);
  switch (own->kind) {
    case RecordLookup::Kind::temporary:
      out.status = PolicyDiscovery::Status::temperror;
      out.reason = "DNS failure for _dmarc." + domain + ": " + own->error;
      co_return out;
    case RecordLookup::Kind::invalid:
      out.policy_domain = domain;
      out.record_text = own->text;
      out.status = is_missing_policy(own->error) ? PolicyDiscovery::Status::none
                                                 : PolicyDiscovery::Status::permerror;
      out.reason = (out.status == PolicyDiscovery::Status::none
                        ? "record at _dmarc." + domain + " has no policy: "
                        : "invalid record at _dmarc." + domain + ": ") +
                   own->error;
      co_return out;
    case RecordLookup::Kind::record:
      use(*own);
      if (options_.method == OrgDomainMethod::tree_walk) {
        // Still needed for relaxed alignment and reports; usually one or two more queries.
        const Walk w = co_await walk(domain);
        out.org_temperror = w.temperror;
        if (!w.temperror) out.org_domain = w.org_domain;
      } else if (options_.psl) {
        out.org_domain = options_.psl->organizational_domain(domain);
      }
      out.reason = "record at the author domain";
      co_return out;
    case RecordLookup::Kind::none:
    case RecordLookup::Kind::multiple:
      break;
  }
  const std::string own_note = own->kind == RecordLookup::Kind::multiple
                                   ? "several DMARC records at _dmarc." + domain + " ignored"
                                   : "";

  if (options_.method == OrgDomainMethod::public_suffix_list) {
    // RFC 7489 6.6.3: the organisational domain's record, found through the PSL, but only
    // when the author domain has none: several records there end discovery (steps 3 and 5).
    if (own->kind == RecordLookup::Kind::multiple) {
      out.status = PolicyDiscovery::Status::none;
      out.reason = own_note;
      co_return out;
    }
    if (!options_.psl) {
      out.status = PolicyDiscovery::Status::permerror;
      out.reason = "no public suffix list loaded";
      co_return out;
    }
    out.org_domain = options_.psl->organizational_domain(domain);
    if (out.org_domain != domain) {
      auto org = co_await lookup(out.org_domain);
      if (org->kind == RecordLookup::Kind::temporary) {
        out.status = PolicyDiscovery::Status::temperror;
        out.reason = "DNS failure for _dmarc." + out.org_domain + ": " + org->error;
        co_return out;
      }
      if (org->kind == RecordLookup::Kind::record) {
        use(*org);
        out.reason = "record at the organisational domain " + out.org_domain;
        co_return out;
      }
    }
    out.status = PolicyDiscovery::Status::none;
    out.reason = own_note.empty() ? "no DMARC record for " + domain : own_note;
    co_return out;
  }

  // RFC 9989 4.10.1: the organisational domain's record, else the public suffix domain's.
  const Walk w = co_await walk(domain);
  if (w.temperror) {
    out.status = PolicyDiscovery::Status::temperror;
    out.reason = w.reason;
    co_return out;
  }
  out.org_domain = w.org_domain;
  if (w.org_record) {
    use(*w.org_record);
    out.reason = "record at the organisational domain " + w.org_domain;
  } else if (w.psd_record) {
    use(*w.psd_record);
    out.from_psd = true;
    out.reason = "record at the public suffix domain " + w.psd_record->name;
  } else {
    out.status = PolicyDiscovery::Status::none;
    out.reason = !own_note.empty()  ? own_note
                 : !w.notes.empty() ? w.notes
                                    : "no DMARC record for " + domain;
  }
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
  const Walk w = co_await walk(domain);
  out.temperror = w.temperror;
  out.reason = w.reason;
  if (!w.temperror) out.domain = w.org_domain;
  co_return out;
}

}  // namespace senderauth::dmarc
