#include "senderauth/dmarc/evaluator.hpp"

#include <mutex>
#include <random>
#include <string>
#include <utility>

#include "senderauth/core/domain_name.hpp"
#include "senderauth/core/idna.hpp"
#include "senderauth/dns/answer.hpp"
#include "senderauth/dns/gather.hpp"
#include "senderauth/dns/shared_answer.hpp"
#include "senderauth/message/address.hpp"

namespace senderauth::dmarc {

namespace {

std::string normalise(std::string_view domain) {
  std::string out = ascii_lower(domain);
  if (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

unsigned default_percent_roll() {
  static std::mutex mutex;
  static std::mt19937 generator{std::random_device{}()};
  std::lock_guard lock(mutex);
  return std::uniform_int_distribution<unsigned>(0, 99)(generator);
}

Policy lower_one_level(Policy policy) {
  switch (policy) {
    case Policy::reject:
      return Policy::quarantine;
    case Policy::quarantine:
      return Policy::none;
    case Policy::none:
      return Policy::none;
  }
  return Policy::none;
}

// Does the author domain exist? RFC 9989 takes RFC 8020's meaning: a name does not exist when
// a query for it answers NXDOMAIN; NODATA (a name with only TXT records, or with names below
// it) means it exists. An NXDOMAIN reached through a CNAME is about the chain's last name, not
// the one asked (RFC 6604 3): a name that is a CNAME exists, even when its target is gone (a
// dangling CNAME to a former mailing service is common). nullopt: DNS failure.
asio::awaitable<std::optional<bool>> domain_exists(dns::Resolver& resolver,
                                                   const std::string& domain,
                                                   std::vector<std::string>& log) {
  log.push_back(domain + " A");
  dns::SharedAnswer a = resolver.answer_now(domain, dns::RecordType::A);
  if (!a) a = co_await dns::query_shared(resolver, domain, dns::RecordType::A);
  if (a->temporary_failure()) co_return std::nullopt;
  co_return a->status != dns::Status::nxdomain || !a->cname_chain.empty();
}

// Relaxed alignment needs organisational domains; strict and identical names do not.
// `author_org` is empty when the walk for the author's own organisational domain failed.
// nullopt: a DNS failure left the answer open.
asio::awaitable<std::optional<bool>> check_alignment(PolicyFinder& finder,
                                                     const std::string& author,
                                                     const std::string& author_org,
                                                     const std::string& id, AlignmentMode mode) {
  const std::string id_norm = normalise(id);
  if (id_norm.empty()) co_return false;
  if (id_norm == author) co_return true;
  if (mode == AlignmentMode::strict) co_return false;
  // An organisational domain is its name itself or a name above it, so the identifier can
  // share the author's only from at or below it. Any other name is decided without a walk:
  // a walk could fail, and its failure (a DNS server the sender may run) must not turn a
  // DMARC fail into temperror. Without the author's organisational domain, names with another
  // last label still cannot share one.
  if (!author_org.empty() && !domain_is_subdomain_of(id_norm, author_org)) co_return false;
  const auto last_label = [](std::string_view d) { return d.substr(d.rfind('.') + 1); };
  if (last_label(id_norm) != last_label(author)) co_return false;
  if (author_org.empty()) co_return std::nullopt;
  const OrgDomainResult org = co_await finder.organizational_domain(id_norm);
  if (org.temperror) co_return std::nullopt;
  co_return aligned(author_org, author, org.domain, id_norm, mode);
}

bool failed_or_temperror(const DmarcResult& r) {
  return r.status == DmarcStatus::fail || r.status == DmarcStatus::temperror;
}

int status_rank(DmarcStatus s) {
  switch (s) {
    case DmarcStatus::fail:
      return 4;
    case DmarcStatus::temperror:
      return 3;
    case DmarcStatus::permerror:
      return 2;
    case DmarcStatus::none:
      return 1;
    case DmarcStatus::pass:
      return 0;
  }
  return 0;
}

}  // namespace

AuthOutcome parse_auth_outcome(std::string_view text) {
  std::size_t end = 0;
  while (end < text.size() && text[end] != ' ' && text[end] != '\t' && text[end] != '(') ++end;
  const std::string word = ascii_lower(text.substr(0, end));
  if (word == "pass") return AuthOutcome::pass;
  if (word == "fail" || word == "hardfail") return AuthOutcome::fail;
  if (word == "softfail") return AuthOutcome::softfail;
  if (word == "neutral") return AuthOutcome::neutral;
  if (word == "temperror") return AuthOutcome::temperror;
  if (word == "permerror") return AuthOutcome::permerror;
  if (word == "policy") return AuthOutcome::policy;
  return AuthOutcome::none;
}

bool aligned(std::string_view author_org, std::string_view author, std::string_view id_org,
             std::string_view id, AlignmentMode mode) {
  if (domain_equal(author, id)) return true;
  if (mode == AlignmentMode::strict) return false;
  return !author_org.empty() && domain_equal(author_org, id_org);
}

std::string_view to_string(DmarcStatus status) {
  switch (status) {
    case DmarcStatus::none:
      return "none";
    case DmarcStatus::pass:
      return "pass";
    case DmarcStatus::fail:
      return "fail";
    case DmarcStatus::temperror:
      return "temperror";
    case DmarcStatus::permerror:
      return "permerror";
  }
  return "none";
}

std::string_view to_string(PolicySource source) {
  switch (source) {
    case PolicySource::none:
      return "none";
    case PolicySource::p:
      return "p";
    case PolicySource::sp:
      return "sp";
    case PolicySource::np:
      return "np";
  }
  return "none";
}

std::string_view to_string(FromProblem problem) {
  switch (problem) {
    case FromProblem::none:
      return "none";
    case FromProblem::missing:
      return "missing";
    case FromProblem::unusable:
      return "unusable";
    case FromProblem::several_authors:
      return "several_authors";
    case FromProblem::header_unreadable:
      return "header_unreadable";
    case FromProblem::too_many_authors:
      return "too_many_authors";
  }
  return "none";
}

bool stricter(const DmarcResult& a, const DmarcResult& b) {
  if (a.disposition != b.disposition) return a.disposition > b.disposition;
  return status_rank(a.status) > status_rank(b.status);
}

// One author domain's evaluation, between the two steps.
struct DmarcEvaluation::Author {
  Author(dns::Resolver& resolver, const DiscoveryOptions& discovery)
      : finder(resolver, discovery) {}
  PolicyFinder finder;
  DmarcResult out;
  // prepared: a domain to look up; found: its record, awaiting judgement; final: `out` is the
  // result (judged, or ended early: no usable domain, no record, a DNS failure).
  enum class Step : std::uint8_t { prepared, found, final } step = Step::prepared;
  bool org_temperror = false;  // the walk for the author's organisational domain failed
  // Whether the author domain exists, when np= would change the policy: asked in step 1 (so
  // the query overlaps the message), used in step 2 only when nothing aligned.
  enum class Existence : std::uint8_t { not_asked, exists, nonexistent, dns_failure };
  Existence existence = Existence::not_asked;
  std::vector<std::string> existence_log;
};

namespace {

void finish_queries(DmarcResult& out, const PolicyFinder& finder,
                    const std::vector<std::string>& existence_log) {
  out.dns_queries = finder.queries();
  out.dns_queries.insert(out.dns_queries.end(), existence_log.begin(), existence_log.end());
}

void refuse_domain(DmarcResult& out, std::string reason, FromProblem problem) {
  out.status = DmarcStatus::permerror;
  out.reason = std::move(reason);
  out.from_domain.clear();
  out.from_problem = problem;
}

}  // namespace

// The author domain as DMARC looks it up, or the permerror that ends the evaluation.
void DmarcEvaluation::add_author(std::string_view from_domain) {
  Author& a = *authors_.emplace_back(std::make_unique<Author>(resolver_, options_.discovery));
  DmarcResult& out = a.out;
  a.step = Author::Step::final;  // unless the domain can be looked up
  out.from_domain = normalise(from_domain);
  if (out.from_domain.empty()) {
    refuse_domain(out, "no author domain", FromProblem::missing);
    return;
  }
  // Callers normally pass message::author_domains() output; anything else is checked the same
  // way before it becomes a DNS name.
  if (auto checked = message::normalize_address_domain(out.from_domain); !checked) {
    refuse_domain(out, "bad author domain: " + checked.reason(), FromProblem::unusable);
    return;
  }
  // RFC 8616 6: a From: domain written in U-labels is looked up and aligned as A-labels; the
  // policy published for bücher.example is at _dmarc.xn--bcher-kva.example.
  if (!is_ascii(out.from_domain)) {
    auto ascii = domain_to_a_labels(out.from_domain);
    if (!ascii) {
      refuse_domain(out, "bad author domain: " + ascii.reason(), FromProblem::unusable);
      return;
    }
    out.from_domain = std::move(*ascii);
  }
  a.step = Author::Step::prepared;
}

// Step 1 for one author domain: its policy record, the policy that applies, and whether the
// domain exists when np= would change that.
asio::awaitable<void> DmarcEvaluation::find_policy(Author& a) {
  if (a.step != Author::Step::prepared) co_return;
  a.step = Author::Step::final;  // unless a record is found
  DmarcResult& out = a.out;
  PolicyDiscovery found = co_await a.finder.discover(out.from_domain);
  out.policy_domain = std::move(found.policy_domain);
  out.record_text = std::move(found.record_text);
  out.org_domain = std::move(found.org_domain);
  a.org_temperror = found.org_temperror;

  switch (found.status) {
    case PolicyDiscovery::Status::none:
      out.status = DmarcStatus::none;
      out.reason = std::move(found.reason);
      break;
    case PolicyDiscovery::Status::temperror:
      out.status = DmarcStatus::temperror;
      out.reason = std::move(found.reason);
      break;
    case PolicyDiscovery::Status::permerror:
      out.status = DmarcStatus::permerror;
      out.reason = std::move(found.reason);
      break;
    case PolicyDiscovery::Status::found:
      break;
  }
  if (found.status != PolicyDiscovery::Status::found) {
    finish_queries(out, a.finder, a.existence_log);
    co_return;
  }
  out.record = std::move(found.record);
  const DmarcRecord& record = *out.record;

  // Which tag's policy applies (RFC 9989 4.10 / 5.3.x): p at the author domain itself; for a
  // subdomain np when it does not exist, else sp; each falling back to the broader one.
  if (out.policy_domain == out.from_domain) {
    out.policy = record.domain_policy();
    out.policy_source = PolicySource::p;
  } else {
    out.policy = record.subdomain_policy();
    out.policy_source = record.sp ? PolicySource::sp : PolicySource::p;
    if (options_.check_nonexistent && record.np &&
        record.nonexistent_policy() != record.subdomain_policy()) {
      const std::optional<bool> exists =
          co_await domain_exists(resolver_, out.from_domain, a.existence_log);
      a.existence = !exists   ? Author::Existence::dns_failure
                    : *exists ? Author::Existence::exists
                              : Author::Existence::nonexistent;
    }
  }
  a.step = Author::Step::found;
}

// Step 2 for one author domain: alignment with the SPF and DKIM results, and the disposition.
asio::awaitable<void> DmarcEvaluation::judge_policy(Author& a, const DmarcInput& input) {
  DmarcResult& out = a.out;
  if (a.step == Author::Step::prepared) {  // find() was not called: nothing can be judged
    out.status = DmarcStatus::temperror;
    out.reason = "the policy of " + out.from_domain + " was not looked up";
    a.step = Author::Step::final;
  }
  if (a.step != Author::Step::found) co_return;
  a.step = Author::Step::final;
  const DmarcRecord& record = *out.record;
  // A walk that failed for an identifier makes the result temperror only when no other
  // identifier aligned. Without the author's own organisational domain, only relaxed
  // alignment of a related name is left open.
  bool alignment_temperror = false;
  const std::string author_org = a.org_temperror ? std::string() : out.org_domain;
  if (input.spf && input.spf->result == AuthOutcome::pass) {
    const auto aligned_spf = co_await check_alignment(a.finder, out.from_domain, author_org,
                                                      input.spf->domain, record.aspf);
    if (!aligned_spf) alignment_temperror = true;
    out.spf_aligned = aligned_spf.value_or(false);
  }
  for (const DkimIdentity& d : input.dkim) {
    if (d.result != AuthOutcome::pass) continue;
    const auto aligned_dkim =
        co_await check_alignment(a.finder, out.from_domain, author_org, d.domain, record.adkim);
    if (!aligned_dkim) alignment_temperror = true;
    if (aligned_dkim.value_or(false)) {
      out.dkim_aligned = true;
      out.aligned_dkim_domain = normalise(d.domain);
      break;
    }
  }
  // Without an aligned pass, an aligned SPF or DKIM temperror (the DNS of the author's own
  // organisation failed: its SPF record, its DKIM key) might have passed on a retry, so the
  // result is temperror, not fail: a fail here would reject the organisation's own mail over a
  // DNS hiccup. Only identifiers at or below the author's organisational domain align, so the
  // sender of a spoof cannot break that DNS on purpose (short of a broken delegation below it).
  std::string temperror_identifier;
  if (!out.spf_aligned && !out.dkim_aligned) {
    if (input.spf && input.spf->result == AuthOutcome::temperror) {
      const auto aligned_spf = co_await check_alignment(a.finder, out.from_domain, author_org,
                                                        input.spf->domain, record.aspf);
      if (aligned_spf.value_or(false)) {
        temperror_identifier = "SPF " + normalise(input.spf->domain);
      }
    }
    for (const DkimIdentity& d : input.dkim) {
      if (!temperror_identifier.empty()) break;
      if (d.result != AuthOutcome::temperror) continue;
      const auto aligned_dkim =
          co_await check_alignment(a.finder, out.from_domain, author_org, d.domain, record.adkim);
      if (aligned_dkim.value_or(false)) temperror_identifier = "DKIM d=" + normalise(d.domain);
    }
  }

  if (a.existence == Author::Existence::nonexistent) {
    out.author_domain_exists = false;
    out.policy = record.nonexistent_policy();
    out.policy_source = PolicySource::np;
  }
  const std::string where = out.policy_domain == out.from_domain
                                ? std::string("record at the author domain")
                                : "record at " + out.policy_domain;
  if (out.spf_aligned || out.dkim_aligned) {
    out.status = DmarcStatus::pass;
    out.reason = out.dkim_aligned ? "aligned DKIM d=" + out.aligned_dkim_domain
                                  : "aligned SPF " + normalise(input.spf->domain);
    out.reason += "; " + where;
  } else if (!temperror_identifier.empty()) {
    out.status = DmarcStatus::temperror;
    out.aligned_temperror = true;
    out.reason = "aligned " + temperror_identifier + " temperror; " + where;
    apply_disposition(out, record);
  } else if (alignment_temperror) {
    out.status = DmarcStatus::temperror;
    out.reason = "DNS failure finding an organisational domain; " + where;
  } else if (a.existence == Author::Existence::dns_failure) {
    out.status = DmarcStatus::temperror;
    out.reason = "DNS failure checking whether " + out.from_domain + " exists; " + where;
  } else {
    out.status = DmarcStatus::fail;
    out.reason = "no aligned SPF or DKIM pass; " + std::string(to_string(out.policy_source)) + "=" +
                 std::string(to_string(*out.policy)) + " from " + where;
    apply_disposition(out, record);
  }
  finish_queries(out, a.finder, a.existence_log);
}

// What the policy asks for this message: the policy that applies, lowered by RFC 7489 pct
// sampling or by t=y.
void DmarcEvaluation::apply_disposition(DmarcResult& out, const DmarcRecord& record) const {
  out.disposition = *out.policy;
  if (options_.apply_pct && record.pct && *record.pct < 100) {
    const unsigned roll = options_.percent_roll ? options_.percent_roll() : default_percent_roll();
    if (roll >= *record.pct) {
      out.sampled_out = true;
      out.disposition = lower_one_level(out.disposition);
      out.reason += "; pct=" + std::to_string(*record.pct) + " sampled out";
    }
  }
  if (options_.apply_testing && record.testing && !out.sampled_out) {
    out.lowered_by_testing = out.disposition != Policy::none;
    out.disposition = lower_one_level(out.disposition);
    out.reason += "; t=y";
  }
}

DmarcEvaluation::DmarcEvaluation(dns::Resolver& resolver, const DmarcOptions& options)
    : resolver_(resolver), options_(options) {}

DmarcEvaluation::~DmarcEvaluation() = default;

void DmarcEvaluation::set_authors(const std::vector<std::string>& from_values,
                                  const std::function<bool(const std::string&)>& ignored) {
  auto authors = message::author_domains(from_values, options_.multiple_from);
  if (!authors) {
    DmarcResult& out = refused_.emplace();
    out.status = DmarcStatus::permerror;
    out.reason = authors.reason();
    if (from_values.empty()) {
      out.from_problem = FromProblem::missing;
    } else if (options_.multiple_from == message::MultipleFromPolicy::reject &&
               message::several_authors(from_values)) {
      out.from_problem = FromProblem::several_authors;
    } else if (message::too_many_authors(from_values)) {
      out.from_problem = FromProblem::too_many_authors;
    } else {
      out.from_problem = FromProblem::unusable;
    }
    return;
  }
  std::vector<const std::string*> kept;
  for (const std::string& domain : authors->domains) {
    if (!(ignored && ignored(domain))) kept.push_back(&domain);
  }
  if (kept.empty()) {
    for (const std::string& domain : authors->domains) kept.push_back(&domain);
  }
  // Each author domain costs a policy discovery (up to 8 queries, and the existence check) and
  // its alignment walks: a bounded number, none of them left out.
  if (kept.size() > options_.max_author_domains) {
    DmarcResult& out = refused_.emplace();
    out.status = DmarcStatus::permerror;
    out.reason = "From fields name " + std::to_string(kept.size()) +
                 " author domains, where at most " + std::to_string(options_.max_author_domains) +
                 " are evaluated";
    out.from_problem = FromProblem::too_many_authors;
    return;
  }
  for (const std::string* domain : kept) add_author(*domain);
}

bool DmarcEvaluation::records_at_hand() {
  for (auto& author : authors_) {
    // Remembered by the finder: find() then reads it from there.
    if (author->step == Author::Step::prepared &&
        !author->finder.lookup_now(author->out.from_domain)) {
      return false;
    }
  }
  return true;
}

asio::awaitable<int> DmarcEvaluation::find_policy_task(Author& author) {
  co_await find_policy(author);
  co_return 0;
}

asio::awaitable<int> DmarcEvaluation::judge_policy_task(Author& author, const DmarcInput& input) {
  co_await judge_policy(author, input);
  co_return 0;
}

// Each author domain's lookups wait for its own answers only, so the authors go out together,
// as DKIM's and ARC's keys do: several authors cost one author's DNS waits, not the sum. When
// every author's first answer is at hand (an in-memory zone, a warm cache) they run one after
// the other instead, without a task each.
asio::awaitable<void> DmarcEvaluation::find() {
  std::vector<Author*> waiting;
  for (auto& author : authors_) {
    if (author->step == Author::Step::prepared) waiting.push_back(author.get());
  }
  if (records_at_hand()) {
    for (Author* author : waiting) co_await find_policy(*author);
    co_return;
  }
  std::vector<asio::awaitable<int>> tasks;
  tasks.reserve(waiting.size());
  for (Author* author : waiting) tasks.push_back(find_policy_task(*author));
  co_await dns::gather(std::move(tasks));
}

asio::awaitable<DmarcResult> DmarcEvaluation::judge(DmarcInput identities) {
  if (refused_) co_return std::move(*refused_);
  // Alignment may walk the tree for an identifier's organisational domain, per author: the
  // authors concurrently, as in find().
  if (authors_.size() == 1) {
    co_await judge_policy(*authors_.front(), identities);
  } else if (!authors_.empty()) {
    std::vector<asio::awaitable<int>> tasks;
    tasks.reserve(authors_.size());
    for (auto& author : authors_) tasks.push_back(judge_policy_task(*author, identities));
    co_await dns::gather(std::move(tasks));
  }
  std::optional<DmarcResult> strictest;
  std::vector<std::string> failed;
  for (auto& author : authors_) {
    if (failed_or_temperror(author->out)) failed.push_back(author->out.from_domain);
    if (!strictest || stricter(author->out, *strictest)) strictest = std::move(author->out);
  }
  if (!strictest) {  // set_authors() was not called: there is no author
    DmarcResult out;
    refuse_domain(out, "no author domain", FromProblem::missing);
    co_return out;
  }
  strictest->failed_domains = std::move(failed);
  co_return std::move(*strictest);
}

asio::awaitable<DmarcResult> DmarcEvaluation::evaluate_one(DmarcInput input) {
  add_author(input.from_domain);
  co_await find_policy(*authors_.back());
  co_await judge_policy(*authors_.back(), input);
  DmarcResult& out = authors_.back()->out;
  if (failed_or_temperror(out)) out.failed_domains = {out.from_domain};
  co_return std::move(out);
}

asio::awaitable<DmarcResult> evaluate(dns::Resolver& resolver, DmarcInput input,
                                      DmarcOptions options) {
  DmarcEvaluation evaluation(resolver, options);
  co_return co_await evaluation.evaluate_one(std::move(input));
}

asio::awaitable<DmarcResult> evaluate_authors(dns::Resolver& resolver,
                                              std::vector<std::string> from_values,
                                              DmarcInput identities, DmarcOptions options) {
  DmarcEvaluation evaluation(resolver, options);
  evaluation.set_authors(from_values);
  co_await evaluation.find();
  co_return co_await evaluation.judge(std::move(identities));
}

}  // namespace senderauth::dmarc
