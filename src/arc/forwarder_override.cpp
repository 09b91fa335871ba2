#include "senderauth/arc/forwarder_override.hpp"

#include <optional>

#include "senderauth/authres/parser.hpp"
#include "senderauth/core/domain_name.hpp"
#include "senderauth/core/idna.hpp"

namespace senderauth::arc {
namespace {

// The domain an entry names, and whether it stands for the domain's subdomains ("." or "*."
// before it).
struct SealerEntry {
  std::string_view domain;
  bool subdomains = false;
};

SealerEntry split_entry(std::string_view entry) {
  SealerEntry split;
  if (entry.starts_with("*.")) entry.remove_prefix(1);
  if (entry.starts_with(".")) {
    entry.remove_prefix(1);
    split.subdomains = true;
  }
  split.domain = entry;
  return split;
}

// An entry that names no domain matches nothing: "*." or "." alone would stand for every
// subdomain of the root, that is every sealer.
bool trusted_match(std::string_view sealer, std::string_view entry) {
  if (!check_trusted_sealer(entry)) return false;
  const SealerEntry split = split_entry(entry);
  if (split.subdomains) {
    return !domain_equal(sealer, split.domain) && domain_is_subdomain_of(sealer, split.domain);
  }
  return domain_equal(sealer, split.domain);
}

bool is_trusted(std::string_view sealer, const std::vector<std::string>& trusted) {
  for (const auto& entry : trusted) {
    if (trusted_match(sealer, entry)) return true;
  }
  return false;
}

// The sets to consider, newest first: the newest one sealed by a trusted domain, and each
// trusted one whose AMS still verifies.
struct TrustedSets {
  const ArcSetReport* newest = nullptr;
  std::vector<const ArcSetReport*> verified;
};

TrustedSets find_trusted_sets(const ArcResult& chain, const std::vector<std::string>& trusted) {
  TrustedSets found;
  for (auto set = chain.sets.rbegin(); set != chain.sets.rend(); ++set) {
    if (!is_trusted(set->seal_domain, trusted)) continue;
    if (found.newest == nullptr) found.newest = &*set;
    // The verifier checks the AMSs newest first and stops at the first that fails, so
    // ams_valid is true exactly for the sets at or above oldest-pass.
    if (set->ams_valid.value_or(false)) found.verified.push_back(&*set);
  }
  return found;
}

// The AAR's header.from (U-labels allowed) names the author domain DMARC judged.
bool names_domain(std::string_view header_from, std::string_view from_domain) {
  auto ours = domain_to_a_labels(from_domain);
  auto theirs = domain_to_a_labels(header_from);
  return ours.ok() && theirs.ok() && domain_equal(*ours, *theirs);
}

// Why the set's ARC-Authentication-Results does not vouch for one of the author domains, or
// nothing when it records dmarc=pass for each (and no other dmarc= result for any of them).
std::optional<std::string> dmarc_not_vouched(const ArcSetReport& set,
                                             const std::vector<std::string>& author_domains) {
  auto results = authres::parse_authres(set.aar_payload);
  if (!results) {
    return "its ARC-Authentication-Results cannot be read (" + results.reason() + ")";
  }
  for (const std::string& domain : author_domains) {
    bool passed = false;
    for (const auto& clause : results->clauses) {
      if (!iequals(clause.method, "dmarc")) continue;
      const authres::Property* from = clause.find("header", "from");
      if (from == nullptr || !names_domain(from->value, domain)) continue;
      if (!iequals(clause.result, "pass")) {
        return "it recorded dmarc=" + ascii_lower(clause.result) + " for " + domain;
      }
      passed = true;
    }
    if (!passed) return "it recorded no dmarc=pass for " + domain;
  }
  return std::nullopt;
}

// Why a trusted set's AMS does not count: it is below oldest-pass (it, or a newer one, broke),
// or it was not checked (a verifier without VerifyOptions::compute_oldest_pass).
std::string ams_problem(const ArcSetReport& set, const ArcResult& chain) {
  const std::string where = "i=" + std::to_string(set.instance);
  // Older than the AMSs the verifier checks (arc::kMaxCheckedAms): not known to verify.
  if (!set.ams_valid && !set.ams_reason.empty()) {
    return "its ARC-Message-Signature (" + where + ") was " + set.ams_reason;
  }
  if (set.instance < chain.oldest_pass) {
    return "its ARC-Message-Signature no longer verifies (" + where + ", oldest-pass " +
           std::to_string(chain.oldest_pass) + ")";
  }
  return "its ARC-Message-Signature (" + where + ") was not checked";
}

ForwarderOverride refuse(const ArcSetReport& set, std::string_view why) {
  ForwarderOverride decision;
  decision.refused = true;
  decision.trusted_sealer = ascii_lower(set.seal_domain);
  decision.comment =
      "sealed by trusted forwarder " + decision.trusted_sealer + ", but " + std::string(why);
  return decision;
}

// Why `set` (trusted, its AMS verified) does not vouch under `rules`, or nothing when it does.
std::optional<std::string> not_vouching(const ArcSetReport& set,
                                        const std::vector<std::string>& author_domains,
                                        OverrideRules rules) {
  // What the vouching set's own AMS covers: a newer set (any hop may add one) that signs a
  // field added on top says nothing of what the trusted sealer saw.
  if (rules.refuse_unsigned_duplicates && !set.unsigned_duplicates.empty()) {
    return "its ARC-Message-Signature leaves a copy unsigned (" + set.unsigned_duplicates +
           "; RFC 6376 8.15)";
  }
  if (!set.unsigned_body.empty() &&
      (rules.partial_body == dkim::PartialBody::refuse ||
       (rules.partial_body == dkim::PartialBody::refuse_when_hidable &&
        !set.partial_body_risk.empty()))) {
    std::string what = set.unsigned_body;
    if (!set.partial_body_risk.empty()) what += " and " + set.partial_body_risk;
    return "its ARC-Message-Signature leaves part of the body unsigned (" + what +
           "; RFC 6376 8.2)";
  }
  return dmarc_not_vouched(set, author_domains);
}

}  // namespace

Result<void> check_trusted_sealer(std::string_view entry) {
  const SealerEntry split = split_entry(entry);
  if (split.subdomains && (split.domain.empty() || split.domain == ".")) {
    return make_error("'" + std::string(entry) +
                      "' names no domain after the wildcard: it would trust every sealer");
  }
  DomainSyntax syntax;
  syntax.ldh_only = true;  // letters, digits, '-' and '_': what a sealer's d= can hold
  if (auto domain = parse_domain(split.domain, syntax); !domain) {
    return make_error("'" + std::string(entry) + "' is not a domain name (" + domain.reason() +
                      ")");
  }
  return {};
}

ForwarderOverride trusted_forwarder_override(bool dmarc_failed, const ArcResult& chain,
                                             const std::vector<std::string>& author_domains,
                                             const std::vector<std::string>& trusted,
                                             OverrideRules rules) {
  ForwarderOverride decision;
  if (!dmarc_failed) {
    decision.comment = "DMARC did not fail";
    return decision;
  }
  if (author_domains.empty()) {
    decision.comment = "no author domain to vouch for";
    return decision;
  }
  if (chain.status != ChainStatus::pass) {
    decision.comment = "ARC chain is " + std::string(to_string(chain.status)) + ", not pass";
    return decision;
  }
  const TrustedSets sets = find_trusted_sets(chain, trusted);
  if (sets.newest == nullptr) {
    decision.comment = "no sealer of the passing ARC chain is a trusted forwarder";
    return decision;
  }
  if (sets.verified.empty()) return refuse(*sets.newest, ams_problem(*sets.newest, chain));
  // Newest first, the first trusted set that vouches. A newer trusted hop that recorded
  // dmarc=fail (the forwarding it did broke SPF and DKIM, as a list does) does not hide an older
  // one that vouched: that one's AMS still verifies, so the message is what it vouched for.
  // Refused, the comment gives the newest one's reason.
  const ArcSetReport* vouching = nullptr;
  std::optional<std::string> first_refusal;
  for (const ArcSetReport* set : sets.verified) {
    auto why = not_vouching(*set, author_domains, rules);
    if (!why) {
      vouching = set;
      break;
    }
    if (!first_refusal) first_refusal = std::move(why);
  }
  if (vouching == nullptr) return refuse(*sets.verified.front(), *first_refusal);
  decision.applies = true;
  decision.reason_type = "arc";
  decision.trusted_sealer = ascii_lower(vouching->seal_domain);
  decision.comment = "ARC chain passed; sealed by trusted forwarder " + decision.trusted_sealer;
  return decision;
}

}  // namespace senderauth::arc
