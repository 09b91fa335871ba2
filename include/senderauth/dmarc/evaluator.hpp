// DMARC evaluation of one message: policy discovery, identifier alignment, the policy that
// applies (p, sp or np), t=y and RFC 7489 pct, and the resulting disposition.
#pragma once

#include <asio/awaitable.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "senderauth/dmarc/discovery.hpp"
#include "senderauth/dmarc/record.hpp"
#include "senderauth/dns/resolver.hpp"
#include "senderauth/message/address_author.hpp"

namespace senderauth::dmarc {

// The underlying results DMARC consumes; only pass counts toward alignment.
enum class AuthOutcome : std::uint8_t {
  pass,
  fail,
  softfail,
  neutral,
  none,
  temperror,
  permerror,
  policy,
};
// The first word of an RFC 8601 result ("pass", "fail (signature expired)"); unknown: none.
AuthOutcome parse_auth_outcome(std::string_view text);

struct SpfIdentity {
  std::string domain;  // MAIL FROM domain, or the HELO domain when MAIL FROM was empty
  AuthOutcome result = AuthOutcome::none;
};

struct DkimIdentity {
  std::string domain;  // d=
  AuthOutcome result = AuthOutcome::none;
};

struct DmarcInput {
  std::string from_domain;  // the author domain (see message::author_domains)
  std::optional<SpfIdentity> spf;
  std::vector<DkimIdentity> dkim;
};

struct DmarcOptions {
  DiscoveryOptions discovery;
  bool apply_testing = true;  // t=y lowers the policy one level (RFC 9989)
  bool apply_pct = true;      // RFC 7489 pct sampling, for records that carry pct
  // Returns a number in [0, 100); a message is sampled in when it is below pct. Empty: a
  // std::random_device-seeded generator.
  std::function<unsigned()> percent_roll;
  // Look up A/AAAA/MX for the author domain when np would change the outcome.
  bool check_nonexistent = true;
  // How several From fields or mailboxes are handled by evaluate_authors().
  message::MultipleFromPolicy multiple_from = message::MultipleFromPolicy::reject;
  // Under evaluate_each, the most author domains evaluated (concurrently); a message that names
  // more is a permerror (FromProblem::too_many_authors) and none is looked up. As many as the
  // DKIM signatures verified per message (dkim::VerifyOptions::max_signatures).
  std::size_t max_author_domains = 16;
};

enum class DmarcStatus : std::uint8_t { none, pass, fail, temperror, permerror };

// Why a permerror has no author domain to judge. Such a message cannot be protected by any
// DMARC result, and a lenient mail reader may still show it as coming from a protected domain
// ("alice@bank.example." or "<alice@bank.example>>"), so the pipeline refuses it by default.
enum class FromProblem : std::uint8_t {
  none,
  missing,            // no From field (RFC 5322 3.6 requires one)
  unusable,           // unparseable, an empty group, a domain literal, a name that is not a domain
  several_authors,    // several From fields or mailboxes in several domains, under multiple_from
                      // = reject
  header_unreadable,  // the header section itself could not be read (set by the pipeline)
  // more author mailboxes than message::AddressLimits::max_author_mailboxes in all, or, under
  // multiple_from = evaluate_each, more author domains than DmarcOptions::max_author_domains:
  // they are not evaluated one by one, and none of them can be left out
  too_many_authors,
};
enum class PolicySource : std::uint8_t { none, p, sp, np };

struct DmarcResult {
  DmarcStatus status = DmarcStatus::none;
  std::string reason;         // why, in words (also the A-R comment)
  std::string from_domain;    // header.from; empty when no author domain could be found
  std::string policy_domain;  // where the record was found
  std::string org_domain;     // of the author domain
  std::string record_text;
  std::optional<DmarcRecord> record;
  std::optional<Policy> policy;  // the requested policy that applies (policy.dmarc)
  PolicySource policy_source = PolicySource::none;
  // What to do with the message, after t=y / pct: for fail, and for a temperror of an aligned
  // identifier (aligned_temperror), what a failure would get.
  Policy disposition = Policy::none;
  bool aligned_temperror = false;  // temperror because an aligned SPF or DKIM result was one
  bool lowered_by_testing = false;
  bool sampled_out = false;  // pct sampling left the message out: policy lowered one level
  bool author_domain_exists = true;
  bool spf_aligned = false;
  bool dkim_aligned = false;
  std::string aligned_dkim_domain;
  FromProblem from_problem = FromProblem::none;  // set with permerror when there is no author
  std::vector<std::string> dns_queries;          // "_dmarc.<name>" and existence checks, in order
  // Every author domain whose own result is fail or temperror, in From order, this one among
  // them when it is one: with several author domains (MultipleFromPolicy::evaluate_each) the
  // result above is only the strictest, and whatever settles it in the author's favour (a
  // trusted forwarder's override) must speak for each of them.
  std::vector<std::string> failed_domains;
  // The "dmarc=" clause of Authentication-Results: pipeline::dmarc_clause().
};

std::string_view to_string(DmarcStatus status);
std::string_view to_string(PolicySource source);
std::string_view to_string(FromProblem problem);

// Strict: the names are equal. Relaxed: their organisational domains are equal.
bool aligned(std::string_view author_org, std::string_view author, std::string_view id_org,
             std::string_view id, AlignmentMode mode);

// Arguments are taken by value, so the (lazily started) awaitable owns them; only the resolver
// must outlive it.
asio::awaitable<DmarcResult> evaluate(dns::Resolver& resolver, DmarcInput input,
                                      DmarcOptions options);

// evaluate_authors() in two steps, so that DMARC's own DNS work (the author domains' policy
// records, the tree walk, np's existence check) can run while SPF and DKIM still wait for
// theirs: set_authors() and find() need only the From fields, judge() then takes the SPF and
// DKIM results. The resolver and the options must outlive the object, and the object the
// awaitables of its coroutines; their arguments are taken by value.
class DmarcEvaluation {
 public:
  DmarcEvaluation(dns::Resolver& resolver, const DmarcOptions& options);
  ~DmarcEvaluation();
  DmarcEvaluation(const DmarcEvaluation&) = delete;
  DmarcEvaluation& operator=(const DmarcEvaluation&) = delete;

  // The author domains from the raw From field values, by options.multiple_from. Domains for
  // which `ignored` is true are left out (a local ignore list), unless that leaves none.
  void set_authors(const std::vector<std::string>& from_values,
                   const std::function<bool(const std::string&)>& ignored = {});
  // True when the resolver holds the first answer each author's policy discovery needs (an
  // in-memory zone, a warm cache): find() will then not wait, and running it alongside other
  // work gains nothing. What it reads is kept for find().
  bool records_at_hand();
  // Step 1: each author domain's policy record and the policy that applies, the authors'
  // lookups concurrently (unless each first answer is at hand). Called again, it does nothing
  // more.
  asio::awaitable<void> find();
  // Step 2, once: alignment with `identities` (from_domain ignored) and the disposition, the
  // authors concurrently; the strictest result over the authors, as evaluate_authors() returns
  // it.
  asio::awaitable<DmarcResult> judge(DmarcInput identities);
  // Both steps for input.from_domain, as evaluate() does.
  asio::awaitable<DmarcResult> evaluate_one(DmarcInput input);

 private:
  struct Author;
  void add_author(std::string_view from_domain);
  asio::awaitable<void> find_policy(Author& author);
  asio::awaitable<void> judge_policy(Author& author, const DmarcInput& input);
  // The two steps as tasks for dns::gather(), which collects a value from each.
  asio::awaitable<int> find_policy_task(Author& author);
  asio::awaitable<int> judge_policy_task(Author& author, const DmarcInput& input);
  void apply_disposition(DmarcResult& out, const DmarcRecord& record) const;

  dns::Resolver& resolver_;
  const DmarcOptions& options_;
  std::optional<DmarcResult> refused_;  // no usable author domain: the result, already
  std::vector<std::unique_ptr<Author>> authors_;
};

// From the raw From field values: author domains by options.multiple_from (an error gives a
// permerror result naming it, with from_problem saying which kind), each evaluated
// with `identities` (from_domain ignored); the strictest result is returned (disposition first,
// then fail > temperror > permerror > none > pass), with every failing domain in
// failed_domains. Arguments are taken by value (see evaluate()).
asio::awaitable<DmarcResult> evaluate_authors(dns::Resolver& resolver,
                                              std::vector<std::string> from_values,
                                              DmarcInput identities, DmarcOptions options);

// True when `a` is stricter than `b` by the ordering above.
bool stricter(const DmarcResult& a, const DmarcResult& b);

}  // namespace senderauth::dmarc
