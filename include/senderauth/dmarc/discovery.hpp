// Policy discovery and organisational domains: the RFC 9989 DNS tree walk (default) or the
// RFC 7489 Public Suffix List method. One PolicyFinder serves one evaluation: it remembers
// every _dmarc lookup, so the author's walk and the SPF/DKIM domains' walks share queries.
//
// RFC 9989 4.10.1: the record applied is the author domain's own; else, from one tree walk,
// the organisational domain's; else the public suffix domain's (psd=y). A record that starts
// with v=DMARC1 but does not parse is a permerror at the author domain and is skipped higher up
// (a record with neither p nor rua is "no policy"). Several records at one name are discarded.
#pragma once

#include <asio/awaitable.hpp>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "senderauth/dmarc/public_suffix_list.hpp"
#include "senderauth/dmarc/record.hpp"
#include "senderauth/dns/resolver.hpp"

namespace senderauth::dmarc {

enum class OrgDomainMethod : std::uint8_t { tree_walk, public_suffix_list };

struct DiscoveryOptions {
  OrgDomainMethod method = OrgDomainMethod::tree_walk;
  // Required for public_suffix_list (see PublicSuffixList::load); unused by the tree walk.
  std::shared_ptr<const PublicSuffixList> psl;
  // RFC 9989 4.10: a walk asks at most this many _dmarc names (the first, then at most 7).
  std::size_t max_walk_queries = 8;
};

// What a _dmarc.<name> TXT lookup gave.
struct RecordLookup {
  enum class Kind : std::uint8_t {
    none,       // no TXT starting with v=DMARC1 (or NXDOMAIN/NODATA)
    multiple,   // several v=DMARC1 records: all discarded
    record,     // exactly one, parsed
    invalid,    // exactly one, not parseable (parse_error says why)
    temporary,  // DNS failure
  };
  Kind kind = Kind::none;
  std::string name;  // the domain (without "_dmarc.")
  std::string text;  // the record's text when one was found
  std::optional<DmarcRecord> record;
  std::string error;  // parse error or DNS failure text
};

struct PolicyDiscovery {
  enum class Status : std::uint8_t { found, none, temperror, permerror };
  Status status = Status::none;
  std::string reason;
  std::string author_domain;
  std::string policy_domain;   // where the record was found
  std::string org_domain;      // the author domain's organisational domain (itself if unknown)
  bool from_psd = false;       // the record is the public suffix domain's (psd=y)
  bool org_temperror = false;  // a DNS failure left org_domain unknown (set to the author)
  std::string record_text;
  std::optional<DmarcRecord> record;
};

struct OrgDomainResult {
  std::string domain;      // the organisational domain (the input itself when nothing says else)
  bool temperror = false;  // a DNS failure stopped the walk; `domain` is then the input
  std::string reason;
};

// RFC 9989 4.10: the names whose _dmarc record a walk starting at `domain` asks for, in order:
// the domain; then, when it has 8 or more labels, its last 7; then one label fewer each time,
// down to the top-level label. At most `max_queries` names.
std::vector<std::string> tree_walk_names(std::string_view domain, std::size_t max_queries = 8);

class PolicyFinder {
 public:
  PolicyFinder(dns::Resolver& resolver, DiscoveryOptions options);

  // The DMARC policy record for an author domain (lower-case, no trailing dot).
  asio::awaitable<PolicyDiscovery> discover(std::string domain);
  // RFC 9989 4.10.2 (psd=n / psd=y / fewest labels) or the PSL's registrable domain.
  asio::awaitable<OrgDomainResult> organizational_domain(std::string domain);
  // One _dmarc lookup, remembered (the same object is returned for the same name).
  asio::awaitable<std::shared_ptr<const RecordLookup>> lookup(std::string domain);
  // The same when the resolver has the answer at hand (remembered alike); null when only a
  // query can tell, and then nothing is remembered or counted as sent.
  std::shared_ptr<const RecordLookup> lookup_now(const std::string& domain);

  // "_dmarc.<name>" for every TXT query sent, in order.
  const std::vector<std::string>& queries() const { return queries_; }
  const DiscoveryOptions& options() const { return options_; }

 private:
  struct Walk {
    std::string org_domain;
    std::shared_ptr<const RecordLookup> org_record;  // the org domain's own record, if any
    std::shared_ptr<const RecordLookup> psd_record;  // the psd=y record that ended the walk
    bool temperror = false;
    std::string reason;
    std::string notes;  // discarded records, for the "none" reason
  };
  asio::awaitable<Walk> walk(const std::string& domain);
  std::shared_ptr<const RecordLookup> remember(const std::string& domain,
                                               const dns::Answer& answer);

  dns::Resolver& resolver_;
  DiscoveryOptions options_;
  std::map<std::string, std::shared_ptr<const RecordLookup>> cache_;
  std::vector<std::string> queries_;
};

}  // namespace senderauth::dmarc
