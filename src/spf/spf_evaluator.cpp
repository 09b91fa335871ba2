#include "senderauth/spf/spf_evaluator.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "senderauth/core/domain_name.hpp"
#include "senderauth/core/idna.hpp"
#include "senderauth/dns/shared_answer.hpp"
#include "senderauth/spf/spf_identity.hpp"
#include "senderauth/spf/spf_macro.hpp"
#include "senderauth/spf/spf_record.hpp"
#include "spf_record_cache.hpp"

namespace senderauth::spf {

namespace {

using dns::Answer;
using dns::RecordType;
using dns::SharedAnswer;
using Clock = std::chrono::steady_clock;

// The verdict of one check_host() level and what decided it.
struct Outcome {
  SpfVerdict verdict = SpfVerdict::none;
  std::string mechanism;
  std::string explanation;
  std::string problem;
};

Outcome error_outcome(SpfVerdict verdict, std::string problem) {
  Outcome o;
  o.verdict = verdict;
  o.problem = std::move(problem);
  return o;
}

// A mechanism either matches, does not, or ends the evaluation (temperror/permerror).
struct MatchOutcome {
  bool matched = false;
  std::optional<Outcome> abort;
};

MatchOutcome no_match() {
  return {};
}
MatchOutcome matched() {
  return MatchOutcome{true, std::nullopt};
}
MatchOutcome aborted(SpfVerdict verdict, std::string problem) {
  return MatchOutcome{false, error_outcome(verdict, std::move(problem))};
}

std::string strip_dot(std::string name) {
  if (!name.empty() && name.back() == '.') name.pop_back();
  return name;
}

// A name DNS can carry: labels of 1..63 octets, at most 253 in all. Anything else cannot
// exist, so a mechanism aimed at it simply does not match.
bool usable_dns_name(std::string_view name) {
  // Not the root, and written without its trailing dot; otherwise the DNS's own shape rules.
  return !name.empty() && name.back() != '.' && dns::why_name_cannot_exist(name).empty();
}

// A name a DNS answer gave (an MX exchange, a PTR target) that may be looked up and matched:
// usable, and printable ASCII without '\'. Whoever controls the zone chooses these bytes: a
// NUL or a '\' would end or escape the name in a resolver's C-string, presentation-format
// interface and make it another name (a PTR target "host.attacker.test\000.victim.test"
// looked up as host.attacker.test), and no host is named with them.
bool usable_host_from_dns(std::string_view name) {
  return usable_dns_name(name) && std::all_of(name.begin(), name.end(), [](char c) {
           const auto byte = static_cast<unsigned char>(c);
           return byte >= 0x21 && byte <= 0x7e && byte != '\\';
         });
}

// RFC 7208 6.2: an explanation is US-ASCII, and being text for a reply, without controls.
bool printable_ascii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    auto byte = static_cast<unsigned char>(c);
    return byte >= 0x20 && byte <= 0x7e;
  });
}

// The exchanges an mx term looks at, in preference order (the answer's order among equals):
// a server's answer need not be sorted. Duplicates and names without addresses are left out.
std::vector<std::string> mx_hosts(const Answer& answer) {
  std::vector<std::string> hosts;
  hosts.reserve(answer.mx.size());
  const auto add = [&hosts](const dns::MxRecord& mx) {
    std::string host = strip_dot(mx.exchange);
    if (!usable_host_from_dns(host)) return;  // null MX (".") and junk: no address to match
    bool seen = std::any_of(hosts.begin(), hosts.end(),
                            [&](const std::string& h) { return domain_equal(h, host); });
    if (!seen) hosts.push_back(std::move(host));
  };
  const auto by_preference = [](const dns::MxRecord& a, const dns::MxRecord& b) {
    return a.preference < b.preference;
  };
  if (std::is_sorted(answer.mx.begin(), answer.mx.end(), by_preference)) {
    for (const auto& mx : answer.mx) add(mx);  // most answers: no copy to sort
    return hosts;
  }
  std::vector<const dns::MxRecord*> records;
  records.reserve(answer.mx.size());
  for (const auto& mx : answer.mx) records.push_back(&mx);
  std::stable_sort(records.begin(), records.end(),
                   [&](const auto* a, const auto* b) { return by_preference(*a, *b); });
  for (const auto* mx : records) add(*mx);
  return hosts;
}

std::string dns_problem(const Answer& answer, std::string_view name, RecordType type) {
  std::string text = "DNS ";
  text += dns::to_string(answer.status);
  text += " looking up ";
  text += dns::to_string(type);
  text += " of ";
  text += name;
  if (!answer.error_text.empty()) {
    text += ": ";
    text += answer.error_text;
  }
  return text;
}

class Evaluation {
 public:
  // The strings are views into the caller's coroutine frame, which outlives the evaluation.
  Evaluation(dns::Resolver& resolver, const SpfOptions& options, const IpAddress& ip,
             std::string_view sender, std::string_view local_part, std::string_view sender_domain,
             std::string_view helo)
      : resolver_(resolver),
        options_(options),
        ip_(ip.unmapped()),
        sender_(sender),
        local_part_(local_part),
        sender_domain_(sender_domain),
        helo_(helo),
        timestamp_(options.timestamp) {}

  asio::awaitable<Outcome> check(std::string domain, bool want_exp, int depth);

  int terms() const { return terms_; }
  int voids() const { return voids_; }
  int queries() const { return queries_; }
  bool out_of_time() const { return out_of_time_; }
  const IpAddress& ip() const { return ip_; }

 private:
  // Every lookup: `answered_now()` when the resolver has the answer at hand (or the time
  // budget refuses the query), else `co_await query()`.
  SharedAnswer answered_now(std::string_view name, RecordType type);
  bool past_deadline() const { return out_of_time_ || (deadline_ && Clock::now() >= *deadline_); }
  asio::awaitable<SharedAnswer> query(std::string name, RecordType type);
  // The client's address records at each name, in order, asked concurrently.
  asio::awaitable<std::vector<SharedAnswer>> query_addresses(const std::vector<std::string>& names);
  // all, ip4 and ip6: the mechanisms that do not query DNS.
  bool matches_without_dns(const Mechanism& mech) const;
  std::shared_ptr<const Result<SpfRecord>> select_record(const SharedAnswer& txt,
                                                         const std::string& domain,
                                                         std::optional<Outcome>& ended);
  // The mechanisms that query DNS.
  asio::awaitable<MatchOutcome> match(const Mechanism& mech, const std::string& domain, int depth);
  asio::awaitable<MatchOutcome> match_addresses(const Mechanism& mech, std::string target);
  asio::awaitable<MatchOutcome> match_mx(const Mechanism& mech, std::string target);
  asio::awaitable<MatchOutcome> match_ptr(std::string target);
  asio::awaitable<MatchOutcome> match_exists(std::string target);
  asio::awaitable<MatchOutcome> match_include(std::string target, int depth);
  // RFC 8616 4: a term whose domain-spec expands %{l} or %{s} of a local part that is not ASCII
  // (an SMTPUTF8 MAIL FROM) matches nothing: no DNS label is meant to hold it, so nothing is
  // looked up.
  bool expands_utf8_local_part(std::string_view spec) const {
    return !is_ascii(local_part_) && (uses_macro_letter(spec, 'l') || uses_macro_letter(spec, 's'));
  }
  // Expands a domain-spec for `domain` (resolving %{p} first when used), truncated to 253.
  asio::awaitable<Result<std::string>> expand_domain(const std::string& spec,
                                                     std::string_view domain);
  // The client's PTR names whose addresses lead back to the client (5.5), at most
  // max_ptr_names of them looked at; `within`, when set, keeps only names at or below it.
  struct Validated {
    bool ptr_empty = false;
    std::vector<std::string> names;
  };
  asio::awaitable<Validated> validated_names(std::optional<std::string_view> within);
  asio::awaitable<std::string> validated_client_name(std::string_view domain);
  // The explanation of a fail: exp='s text, or the default when there is none or it cannot be
  // used. Never changes the result (6.2), the time budget included.
  asio::awaitable<std::string> explain(const std::optional<std::string>& exp,
                                       std::string_view domain);
  asio::awaitable<std::string> explain_from_dns(const std::string& exp, std::string_view domain);
  std::string default_explanation(std::string_view domain) const;
  // The values `text`'s macros need: %{h} (converted to A-labels) and %{t} only when it uses them.
  MacroContext context(std::string_view domain, std::string_view text) const;
  // Counts a lookup that found nothing; false once the void limit is exceeded.
  bool count_void() { return ++voids_ <= options_.max_void_lookups; }
  // The permerror of the void lookup that went over the limit, named so that the domain's
  // owner can find it in a chain of includes.
  MatchOutcome void_limit_exceeded(std::string_view name, RecordType type) const;
  // The same for the term that went over the limit of DNS-querying terms.
  std::string term_limit_problem(const std::string& term, std::string_view domain) const {
    return "more than " + std::to_string(options_.max_dns_terms) +
           " DNS-querying terms, the last " + term + " in the record of " + std::string(domain);
  }
  RecordType address_type() const { return ip_.is_v4() ? RecordType::A : RecordType::AAAA; }

  dns::Resolver& resolver_;
  const SpfOptions& options_;
  IpAddress ip_;
  std::string_view sender_;
  std::string_view local_part_;
  std::string_view sender_domain_;
  std::string_view helo_;
  // The time budget runs from the first query that has to wait: answers at hand take no time
  // worth budgeting, and reading the clock for each of them would cost more than the lookup.
  std::optional<Clock::time_point> deadline_;
  mutable std::int64_t timestamp_;  // %{t}; read from the clock when first needed
  // %{h}: helo_domain(helo_), made when first needed. On the heap: this object lives in
  // run_check()'s coroutine frame, which must stay within Asio's 1020-byte recycled frames.
  mutable std::unique_ptr<const std::string> helo_name_;
  int terms_ = 0;
  int voids_ = 0;
  int queries_ = 0;
  bool out_of_time_ = false;
  // While explain() looks up exp=, a lookup the budget refuses cuts the explanation short (the
  // default is given) instead of making the result temperror.
  bool explaining_ = false;
  bool explanation_cut_ = false;
};

MatchOutcome Evaluation::void_limit_exceeded(std::string_view name, RecordType type) const {
  std::string problem =
      "more than " + std::to_string(options_.max_void_lookups) + " void DNS lookups, the last for ";
  problem += dns::to_string(type);
  problem += " of ";
  problem += name;
  return aborted(SpfVerdict::permerror, std::move(problem));
}

SharedAnswer Evaluation::answered_now(std::string_view name, RecordType type) {
  if (past_deadline()) {
    (explaining_ ? explanation_cut_ : out_of_time_) = true;
    auto refused = std::make_shared<Answer>();
    refused->name = std::string(name);
    refused->type = type;
    refused->status = dns::Status::timeout;
    refused->error_text = "SPF time budget exhausted";
    return refused;
  }
  SharedAnswer answer = resolver_.answer_now(name, type);
  if (answer) ++queries_;
  return answer;
}

// Called only after answered_now() gave nothing, so the budget was checked just before.
asio::awaitable<SharedAnswer> Evaluation::query(std::string name, RecordType type) {
  if (!deadline_) deadline_ = Clock::now() + options_.time_budget;
  ++queries_;
  return dns::query_shared(resolver_, std::move(name), type);
}

asio::awaitable<std::vector<SharedAnswer>> Evaluation::query_addresses(
    const std::vector<std::string>& names) {
  if (past_deadline()) {
    std::vector<SharedAnswer> refused;
    for (const auto& name : names) refused.push_back(answered_now(name, address_type()));
    co_return refused;
  }
  if (!deadline_) deadline_ = Clock::now() + options_.time_budget;
  std::vector<dns::Question> questions;
  questions.reserve(names.size());
  for (const auto& name : names) questions.push_back({name, address_type()});
  queries_ += static_cast<int>(names.size());
  co_return co_await dns::lookup_all(resolver_, std::move(questions));
}

MacroContext Evaluation::context(std::string_view domain, std::string_view text) const {
  MacroContext ctx;
  ctx.sender = sender_;
  ctx.local_part = local_part_;
  ctx.sender_domain = sender_domain_;
  ctx.domain = domain;
  ctx.client_ip = ip_;
  ctx.receiver = options_.receiver;
  // %{h} goes into query names, which are A-labels (4.3); converted when first needed, as few
  // records use it (every redirect= and include: target is expanded: no allocation for them).
  if (uses_macro_letter(text, 'h')) {
    if (!helo_name_) helo_name_ = std::make_unique<const std::string>(helo_domain(helo_));
    ctx.helo = *helo_name_;
  }
  if (timestamp_ == 0 && uses_macro_letter(text, 't')) {
    timestamp_ = std::chrono::duration_cast<std::chrono::seconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
  }
  ctx.timestamp = timestamp_;
  return ctx;
}

asio::awaitable<Result<std::string>> Evaluation::expand_domain(const std::string& spec,
                                                               std::string_view domain) {
  MacroContext ctx = context(domain, spec);
  std::string validated;
  if (uses_validated_name(spec)) {
    validated = co_await validated_client_name(domain);
    ctx.validated_name = validated;
  }
  auto expanded = expand_macro_string(spec, ctx, MacroUse::domain_spec);
  if (!expanded) co_return expanded.error();
  std::string name = truncate_domain(std::move(*expanded));
  // Two trailing dots (a macro value ending in one, as "%{l}" of "x.test..@…"): an empty label,
  // so no valid name. Left whole so that the checks downstream refuse it; one stripped dot
  // would leave a valid-looking "x.test.".
  if (name.ends_with("..")) co_return name;
  co_return strip_dot(std::move(name));
}

asio::awaitable<Evaluation::Validated> Evaluation::validated_names(
    std::optional<std::string_view> within) {
  Validated out;
  std::string reverse = ip_.reverse_name();
  SharedAnswer ptr = answered_now(reverse, RecordType::PTR);
  if (!ptr) ptr = co_await query(reverse, RecordType::PTR);
  if (!ptr->ok()) {
    // An error on the PTR lookup makes ptr fail to match (5.5); no names is a void lookup.
    out.ptr_empty = ptr->empty_result();
    co_return out;
  }
  std::vector<std::string> candidates;
  const auto limit = static_cast<std::size_t>(std::max(0, options_.max_ptr_names));
  for (std::size_t i = 0; i < ptr->names.size() && i < limit; ++i) {
    std::string name = strip_dot(ptr->names[i]);
    if (!usable_host_from_dns(name)) continue;
    if (within && !domain_is_subdomain_of(name, *within)) continue;
    candidates.push_back(std::move(name));
  }
  if (candidates.empty()) co_return out;
  std::vector<SharedAnswer> answers = co_await query_addresses(candidates);
  for (std::size_t i = 0; i < answers.size(); ++i) {
    // A failed lookup skips that name (5.5).
    const auto& addrs = answers[i]->addresses;
    if (answers[i]->ok() && std::find(addrs.begin(), addrs.end(), ip_) != addrs.end()) {
      out.names.push_back(std::move(candidates[i]));
    }
  }
  co_return out;
}

asio::awaitable<std::string> Evaluation::validated_client_name(std::string_view domain) {
  Validated v = co_await validated_names(std::nullopt);
  // Prefer the domain itself, then a name below it, then any validated name (7.3).
  for (const auto& n : v.names) {
    if (domain_equal(n, domain)) co_return n;
  }
  for (const auto& n : v.names) {
    if (domain_is_subdomain_of(n, domain)) co_return n;
  }
  if (!v.names.empty()) co_return v.names.front();
  co_return std::string("unknown");
}

std::string Evaluation::default_explanation(std::string_view domain) const {
  auto text =
      expand_macro_string(options_.default_explanation,
                          context(domain, options_.default_explanation), MacroUse::explanation);
  return text ? *text : options_.default_explanation;
}

asio::awaitable<std::string> Evaluation::explain(const std::optional<std::string>& exp,
                                                 std::string_view domain) {
  // Past the deadline the fail stands with the default explanation, nothing looked up; a lookup
  // the budget refuses on the way (the exp= TXT, a %{p}'s PTR) gives the default too.
  if (!exp || past_deadline()) co_return default_explanation(domain);
  explaining_ = true;
  std::string text = co_await explain_from_dns(*exp, domain);
  explaining_ = false;
  if (explanation_cut_) co_return default_explanation(domain);
  co_return text;
}

asio::awaitable<std::string> Evaluation::explain_from_dns(const std::string& exp,
                                                          std::string_view domain) {
  // Any trouble with exp= leaves the default explanation (6.2); it never changes the result.
  if (expands_utf8_local_part(exp)) co_return default_explanation(domain);
  auto target = co_await expand_domain(exp, domain);
  if (!target || !usable_dns_name(*target)) co_return default_explanation(domain);
  SharedAnswer answer = answered_now(*target, RecordType::TXT);
  if (!answer) answer = co_await query(*target, RecordType::TXT);
  if (!answer->ok()) co_return default_explanation(domain);
  auto texts = answer->joined_txt();
  if (texts.size() != 1 || !printable_ascii(texts.front())) co_return default_explanation(domain);
  MacroContext ctx = context(domain, texts.front());
  std::string validated;
  if (uses_validated_name(texts.front())) {
    validated = co_await validated_client_name(domain);
    ctx.validated_name = validated;
  }
  auto text = expand_macro_string(texts.front(), ctx, MacroUse::explanation);
  // The expansion is checked again: %{l}, %{s} and %{h} carry what the client sent (UTF-8 from
  // an SMTPUTF8 envelope, CR LF in a HELO), and the text may go into an SMTP reply (6.2).
  if (!text || !printable_ascii(*text)) co_return default_explanation(domain);
  co_return std::move(*text);
}

asio::awaitable<MatchOutcome> Evaluation::match_addresses(const Mechanism& mech,
                                                          std::string target) {
  SharedAnswer answer = answered_now(target, address_type());
  if (!answer) answer = co_await query(target, address_type());
  if (answer->temporary_failure()) {
    co_return aborted(SpfVerdict::temperror, dns_problem(*answer, target, address_type()));
  }
  if (answer->empty_result() || answer->addresses.empty()) {
    if (!count_void()) co_return void_limit_exceeded(target, address_type());
    co_return no_match();
  }
  const int prefix = ip_.is_v4() ? mech.cidr4 : mech.cidr6;
  for (const auto& address : answer->addresses) {
    if (address.family() == ip_.family() && ip_.in_network(address, prefix)) co_return matched();
  }
  co_return no_match();
}

asio::awaitable<MatchOutcome> Evaluation::match_mx(const Mechanism& mech, std::string target) {
  SharedAnswer answer = answered_now(target, RecordType::MX);
  if (!answer) answer = co_await query(target, RecordType::MX);
  if (answer->temporary_failure()) {
    co_return aborted(SpfVerdict::temperror, dns_problem(*answer, target, RecordType::MX));
  }
  if (answer->empty_result() || answer->mx.empty()) {
    if (!count_void()) co_return void_limit_exceeded(target, RecordType::MX);
    co_return no_match();
  }
  if (static_cast<int>(answer->mx.size()) > options_.max_mx_names) {
    co_return aborted(SpfVerdict::permerror, "more than " + std::to_string(options_.max_mx_names) +
                                                 " MX records at " + target);
  }
  std::vector<std::string> hosts = mx_hosts(*answer);
  if (hosts.empty()) co_return no_match();
  std::vector<SharedAnswer> addresses = co_await query_addresses(hosts);
  // The lookups ran together, but their answers are judged host by host in preference order, as
  // a sequential evaluator would meet them: a DNS error ends the mechanism with temperror (5)
  // unless a host before it matched.
  if (options_.count_mx_host_voids) {
    // As pyspf does: every host is looked up, and counted, before any is matched; counting
    // stops at the first error, where a sequential evaluator stops.
    for (std::size_t i = 0; i < addresses.size(); ++i) {
      const Answer& a = *addresses[i];
      if (a.temporary_failure()) break;
      if ((a.empty_result() || a.addresses.empty()) && !count_void()) {
        co_return void_limit_exceeded(hosts[i], address_type());
      }
    }
  }
  const int prefix = ip_.is_v4() ? mech.cidr4 : mech.cidr6;
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    const Answer& a = *addresses[i];
    if (a.temporary_failure()) {
      co_return aborted(SpfVerdict::temperror, dns_problem(a, hosts[i], address_type()));
    }
    for (const auto& address : a.addresses) {
      if (address.family() == ip_.family() && ip_.in_network(address, prefix)) {
        co_return matched();
      }
    }
  }
  co_return no_match();
}

asio::awaitable<MatchOutcome> Evaluation::match_ptr(std::string target) {
  Validated v = co_await validated_names(std::string_view(target));
  if (v.ptr_empty && !count_void()) {
    co_return void_limit_exceeded(ip_.reverse_name(), RecordType::PTR);
  }
  co_return v.names.empty() ? no_match() : matched();
}

asio::awaitable<MatchOutcome> Evaluation::match_exists(std::string target) {
  // exists always asks for A records, whatever the client's address family (5.7).
  SharedAnswer answer = answered_now(target, RecordType::A);
  if (!answer) answer = co_await query(target, RecordType::A);
  if (answer->temporary_failure()) {
    co_return aborted(SpfVerdict::temperror, dns_problem(*answer, target, RecordType::A));
  }
  if (answer->empty_result() || answer->addresses.empty()) {
    if (!count_void()) co_return void_limit_exceeded(target, RecordType::A);
    co_return no_match();
  }
  co_return matched();
}

asio::awaitable<MatchOutcome> Evaluation::match_include(std::string target, int depth) {
  Outcome inner = co_await check(std::move(target), false, depth + 1);
  switch (inner.verdict) {
    case SpfVerdict::pass:
      co_return matched();
    case SpfVerdict::fail:
    case SpfVerdict::softfail:
    case SpfVerdict::neutral:
      co_return no_match();
    case SpfVerdict::temperror:
      co_return MatchOutcome{false, std::move(inner)};
    case SpfVerdict::none:
      co_return aborted(SpfVerdict::permerror,
                        "included domain has no SPF record (" + inner.problem + ")");
    case SpfVerdict::permerror:
      co_return MatchOutcome{false, std::move(inner)};
  }
  co_return no_match();
}

bool Evaluation::matches_without_dns(const Mechanism& mech) const {
  switch (mech.kind) {
    case MechanismKind::all:
      return true;
    case MechanismKind::ip4:
      return ip_.is_v4() && ip_.in_network(mech.network, mech.cidr4);
    case MechanismKind::ip6:
      return ip_.is_v6() && ip_.in_network(mech.network, mech.cidr6);
    default:
      return false;
  }
}

asio::awaitable<MatchOutcome> Evaluation::match(const Mechanism& mech, const std::string& domain,
                                                int depth) {
  std::string target;
  if (mech.domain_spec.empty()) {
    target = domain;
  } else if (!mech.has_macros) {
    target = strip_dot(mech.domain_spec);
  } else if (expands_utf8_local_part(mech.domain_spec)) {
    co_return no_match();
  } else {
    auto expanded = co_await expand_domain(mech.domain_spec, domain);
    if (!expanded) {
      co_return aborted(SpfVerdict::permerror, "in \"" + mech.text + "\": " + expanded.reason());
    }
    target = std::move(*expanded);
  }
  // A name that cannot exist in the DNS matches nothing.
  if (mech.kind != MechanismKind::include && !usable_dns_name(target)) co_return no_match();
  // One await for whichever mechanism it is: each co_await of its own would take its own room
  // in this coroutine's frame, and past ~1 KB a frame is neither recycled by Asio nor served
  // from malloc's thread cache.
  asio::awaitable<MatchOutcome> matching;
  switch (mech.kind) {
    case MechanismKind::include:
      matching = match_include(std::move(target), depth);
      break;
    case MechanismKind::a:
      matching = match_addresses(mech, std::move(target));
      break;
    case MechanismKind::mx:
      matching = match_mx(mech, std::move(target));
      break;
    case MechanismKind::ptr:
      matching = match_ptr(std::move(target));
      break;
    case MechanismKind::exists:
      matching = match_exists(std::move(target));
      break;
    default:
      co_return no_match();
  }
  co_return co_await std::move(matching);
}

// The parsed "v=spf1" record of `domain` from its TXT answer, or null with `ended` set to the
// outcome that ends the evaluation there. Apart from check() so that its temporaries stay out
// of that coroutine's frame.
std::shared_ptr<const Result<SpfRecord>> Evaluation::select_record(const SharedAnswer& txt,
                                                                   const std::string& domain,
                                                                   std::optional<Outcome>& ended) {
  if (txt->temporary_failure()) {
    ended = error_outcome(SpfVerdict::temperror, dns_problem(*txt, domain, RecordType::TXT));
    return nullptr;
  }
  // Select the one "v=spf1" record; a record's strings are joined without separators (3.3).
  const std::vector<std::string>* selected = nullptr;
  int spf_records = 0;
  if (txt->ok()) {
    for (const auto& strings : txt->txt) {
      bool is_spf = false;
      if (strings.size() == 1) {
        is_spf = is_spf_record(strings.front());
      } else {
        std::string joined;
        for (const auto& piece : strings) joined += piece;
        is_spf = is_spf_record(joined);
      }
      if (is_spf) {
        ++spf_records;
        selected = &strings;
      }
    }
  }
  if (spf_records == 0) {
    ended = error_outcome(SpfVerdict::none, "no SPF record at " + domain);
    return nullptr;
  }
  if (spf_records > 1) {
    ended = error_outcome(SpfVerdict::permerror, "more than one SPF record at " + domain);
    return nullptr;
  }
  std::string joined;
  if (selected->size() > 1) {
    for (const auto& piece : *selected) joined += piece;
  }
  const std::string_view text =
      selected->size() == 1 ? std::string_view(selected->front()) : std::string_view(joined);
  std::shared_ptr<const Result<SpfRecord>> parsed;
  if (options_.cache_records) {
    auto& cache = detail::RecordCache::for_this_thread();
    parsed = joined.empty() ? cache.get(text, txt) : cache.get(text);
  } else {
    parsed = std::make_shared<const Result<SpfRecord>>(SpfRecord::parse(text));
  }
  if (!*parsed) {
    ended =
        error_outcome(SpfVerdict::permerror, "SPF record of " + domain + ": " + parsed->reason());
    return nullptr;
  }
  return parsed;
}

asio::awaitable<Outcome> Evaluation::check(std::string domain, bool want_exp, int depth) {
  if (depth > options_.max_depth) {
    co_return error_outcome(SpfVerdict::permerror, "include/redirect nested deeper than " +
                                                       std::to_string(options_.max_depth));
  }
  // Checked before the trailing dot goes: a second one is an empty label, not a valid name.
  if (!is_checkable_domain(domain)) {
    co_return error_outcome(SpfVerdict::none, "\"" + domain + "\" is not a valid domain name");
  }
  domain = strip_dot(std::move(domain));
  SharedAnswer txt = answered_now(domain, RecordType::TXT);
  if (!txt) txt = co_await query(domain, RecordType::TXT);
  std::optional<Outcome> ended;
  const auto parsed = select_record(txt, domain, ended);
  if (!parsed) co_return std::move(*ended);
  const SpfRecord* record = &parsed->value();

  for (const auto& mech : record->mechanisms) {
    if (mech.queries_dns() && ++terms_ > options_.max_dns_terms) {
      co_return error_outcome(SpfVerdict::permerror, term_limit_problem(mech.text, domain));
    }
    if (!mech.queries_dns()) {
      // all, ip4, ip6: decided here, without a coroutine round.
      if (!matches_without_dns(mech)) continue;
    } else {
      MatchOutcome m = co_await match(mech, domain, depth);
      if (m.abort) co_return std::move(*m.abort);
      if (!m.matched) continue;
    }
    Outcome outcome;
    outcome.verdict = verdict_of(mech.qualifier);
    outcome.mechanism = mech.text;
    if (outcome.verdict == SpfVerdict::fail && want_exp) {
      outcome.explanation = co_await explain(record->exp, domain);
    }
    co_return outcome;
  }

  if (record->redirect) {
    if (++terms_ > options_.max_dns_terms) {
      co_return error_outcome(SpfVerdict::permerror,
                              term_limit_problem("redirect=" + *record->redirect, domain));
    }
    if (expands_utf8_local_part(*record->redirect)) {
      co_return error_outcome(SpfVerdict::neutral,
                              "redirect=" + *record->redirect +
                                  " expands a local part that is not ASCII, so it matches nothing "
                                  "(RFC 8616 4)");
    }
    auto target = co_await expand_domain(*record->redirect, domain);
    if (!target) {
      co_return error_outcome(SpfVerdict::permerror, "in redirect=: " + target.reason());
    }
    Outcome inner = co_await check(*target, want_exp, depth + 1);
    if (inner.verdict == SpfVerdict::none) {
      co_return error_outcome(SpfVerdict::permerror,
                              "redirect target has no SPF record (" + inner.problem + ")");
    }
    co_return inner;
  }
  co_return Outcome{SpfVerdict::neutral, {}, {}, {}};
}

SpfResult not_checkable(const SpfRequest& request, const SpfIdentityTarget& target) {
  SpfResult result;
  result.verdict = SpfVerdict::none;
  result.identity = request.identity;
  result.client_ip = request.client_ip;
  result.helo = request.helo;
  result.sender = target.sender;
  result.domain = target.domain;
  result.problem = target.why_not;
  return result;
}

// What a finished evaluation found. A plain function: its SpfResult stays out of run_check()'s
// coroutine frame, which must fit the 1009-byte frames Asio has recycled for check() (a bigger
// one is a malloc per check).
SpfResult result_of(const Evaluation& evaluation, Outcome outcome, std::string_view domain,
                    std::string_view full_sender, std::string_view helo,
                    const SpfOptions& options) {
  SpfResult result;
  result.client_ip = evaluation.ip();
  result.helo = std::string(helo);
  result.sender = std::string(full_sender);
  result.domain = strip_dot(std::string(domain));
  result.verdict = outcome.verdict;
  result.mechanism = std::move(outcome.mechanism);
  result.explanation = std::move(outcome.explanation);
  result.problem = std::move(outcome.problem);
  if (evaluation.out_of_time()) {
    result.verdict = SpfVerdict::temperror;
    result.mechanism.clear();
    result.explanation.clear();
    result.problem =
        "time budget of " + std::to_string(options.time_budget.count()) + " ms exhausted";
  }
  result.dns_lookups = evaluation.terms();
  result.void_lookups = evaluation.voids();
  result.dns_queries = evaluation.queries();
  return result;
}

// The arguments live in the public entry points' coroutine frames, which outlive this call.
asio::awaitable<SpfResult> run_check(dns::Resolver& resolver, const IpAddress& client_ip,
                                     std::string_view domain, std::string_view sender,
                                     std::string_view helo, const SpfOptions& options) {
  // <sender> is local@domain; no local part means "postmaster" (4.3). Views where possible:
  // this runs once per message.
  std::string_view local_part = "postmaster";
  std::string_view sender_domain = domain;
  std::string rebuilt;
  std::string_view full_sender = sender;
  const auto at = sender.rfind('@');
  if (at != std::string_view::npos) {
    sender_domain = sender.substr(at + 1);
    if (at > 0) local_part = sender.substr(0, at);
  }
  if (at == std::string_view::npos || at == 0) {
    rebuilt = std::string(local_part) + "@" + std::string(sender_domain);
    full_sender = rebuilt;
  }
  Evaluation evaluation(resolver, options, client_ip, full_sender, local_part, sender_domain, helo);
  Outcome outcome = co_await evaluation.check(std::string(domain), options.want_explanation, 0);
  co_return result_of(evaluation, std::move(outcome), domain, full_sender, helo, options);
}

}  // namespace

asio::awaitable<SpfResult> check_host(dns::Resolver& resolver, IpAddress client_ip,
                                      std::string domain, std::string sender, std::string helo,
                                      SpfOptions options) {
  co_return co_await run_check(resolver, client_ip, domain, sender, helo, options);
}

asio::awaitable<SpfResult> check_host(dns::Resolver& resolver, SpfRequest request,
                                      SpfOptions options) {
  SpfIdentityTarget target = request.identity == SpfIdentity::helo
                                 ? helo_identity(request.helo)
                                 : mailfrom_identity(request.mail_from, request.helo);
  if (!target.checkable) co_return not_checkable(request, target);
  SpfResult result = co_await run_check(resolver, request.client_ip, target.domain, target.sender,
                                        request.helo, options);
  result.identity = request.identity;
  co_return result;
}

}  // namespace senderauth::spf
