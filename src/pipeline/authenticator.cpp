#include "senderauth/pipeline/authenticator.hpp"

#include <algorithm>
#include <asio/any_io_executor.hpp>
#include <asio/co_spawn.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <exception>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "pipeline/decision.hpp"
#include "pipeline/headers.hpp"
#include "senderauth/arc/forwarder_override.hpp"
#include "senderauth/authres/clause.hpp"
#include "senderauth/authres/own_fields.hpp"
#include "senderauth/core/domain_name.hpp"
#include "senderauth/core/idna.hpp"
#include "senderauth/dns/completion_signal.hpp"
#include "senderauth/iprev/helo.hpp"
#include "senderauth/iprev/iprev.hpp"
#include "senderauth/message/address_author.hpp"
#include "senderauth/message/header_field.hpp"
#include "senderauth/message/message_reader.hpp"
#include "senderauth/spf/spf_identity.hpp"

namespace senderauth::pipeline {

namespace {

bool in_trusted_network(const IpAddress& ip, const std::vector<IpNetwork>& networks) {
  for (const auto& net : networks) {
    if (net.contains(ip)) return true;
  }
  return false;
}

dmarc::AuthOutcome outcome(std::string_view word) {
  return dmarc::parse_auth_outcome(word);
}

// Why the checks are skipped (empty: they run), and whether the header section is read anyway.
struct Skip {
  std::string reason;
  bool read_headers = false;
};

// A client in a trusted network is a trusted MTA (RFC 8601 5): nothing of its message is read.
// An authenticated submitter is not checked either, but it is no trusted MTA: its header
// section is still read for Authentication-Results fields that claim to be ours.
Skip skip_for(const LocalPolicy& policy, const Envelope& envelope) {
  if (in_trusted_network(envelope.client_ip.unmapped(), policy.trusted_networks)) {
    return {"client " + envelope.client_ip.to_string() + " is in a trusted network", false};
  }
  if (policy.skip_authenticated_senders && !envelope.authenticated_user.empty()) {
    return {"sender authenticated as " + envelope.authenticated_user, true};
  }
  return {};
}

// Authentication-Results fields with our authserv-id below the point where the header section
// turned out unreadable (the reader's lenient scan of the rest of it), which the reader's
// headers() lacks. Alone, it is the reader's sink for a skipped message's header section: the
// body is dropped as it comes, unscanned (reads_bare_lf(): the reader then hands it on without
// converting line ends).
class LateAuthresFields final : public message::MessageSink {
 public:
  explicit LateAuthresFields(const std::string& authserv_id) : our_ids_{authserv_id} {}
  bool reads_bare_lf() const override { return true; }
  void on_body(std::string_view) override {}
  void on_field_after_error(const message::HeaderField& field) override {
    if (!authres::is_authres_field_name(field.name())) return;
    if (authres::is_own_field(field.name(), field.value(), our_ids_)) ours.push_back(count);
    ++count;
  }

  std::size_t count = 0;          // Authentication-Results fields found
  std::vector<std::size_t> ours;  // the indexes among them of those that carry our id

 private:
  std::vector<std::string> our_ids_;
};

}  // namespace

// Checks that run beside the message's own work, each in a task of its own; `done` is notified
// when the last has ended (at once when there are none), `failure` keeps the first exception.
struct TaskGroup {
  bool started = false;
  std::size_t pending = 0;
  dns::CompletionSignal done;
  std::exception_ptr failure;
};

struct MessageCheck::State {
  State(const Authenticator& a, Envelope e)
      : auth(a),
        envelope(std::move(e)),
        skip(skip_for(a.policy(), envelope)),
        dkim(a.policy().dkim, &a.key_cache()),
        arc(a.policy().arc, &a.key_cache()),
        late_authres(a.policy().authserv_id),
        reader(skip.read_headers ? static_cast<message::MessageSink*>(&late_authres) : &fanout) {
    fanout.add(dkim);
    if (a.policy().check_arc) fanout.add(arc);
    fanout.add(late_authres);
  }

  const Authenticator& auth;
  Envelope envelope;
  Verdict verdict;
  Skip skip;

  dkim::DkimVerifier dkim;
  arc::ArcVerifier arc;
  message::FanoutSink fanout;
  LateAuthresFields late_authres;  // in `fanout`; the reader's sink when skip.read_headers
  message::MessageReader reader;
  std::string read_error;
  bool finished = false;  // settle() has run

  asio::any_io_executor executor;  // where background work runs: start_envelope_checks()'s
  TaskGroup envelope_checks;       // iprev, HELO and SPF
  // What the header section alone allows, started once it is complete: DKIM's key lookups and
  // DMARC's policy discovery (`dmarc`, judged at the end).
  TaskGroup message_lookups;
  std::optional<dmarc::DmarcEvaluation> dmarc;
};

namespace {

using StatePtr = std::shared_ptr<MessageCheck::State>;

// Spawns `tasks` into `group` (a member of *s, which the tasks keep alive until they end).
void spawn_group(const StatePtr& s, TaskGroup& group, std::vector<asio::awaitable<int>> tasks) {
  group.pending = tasks.size();
  if (tasks.empty()) group.done.notify(s->executor);
  for (auto& task : tasks) {
    asio::co_spawn(s->executor, std::move(task), [s, &group](std::exception_ptr e, int) {
      if (e && !group.failure) group.failure = e;
      if (--group.pending == 0) group.done.notify(s->executor);
    });
  }
}

// Waits for the group's tasks; rethrows the first exception one of them ended with.
asio::awaitable<void> join_group(TaskGroup& group) {
  if (!group.done.notified()) co_await group.done.wait();
  if (group.failure) std::rethrow_exception(group.failure);
}

asio::awaitable<int> run_iprev(StatePtr s) {
  s->verdict.iprev = co_await iprev::check_iprev(s->auth.resolver(), s->envelope.client_ip);
  co_return 0;
}

asio::awaitable<int> run_helo(StatePtr s) {
  s->verdict.helo = co_await iprev::check_helo(s->auth.resolver(), s->envelope.helo,
                                               s->envelope.client_ip, s->auth.policy().helo);
  co_return 0;
}

asio::awaitable<int> run_spf(StatePtr s, spf::SpfIdentity identity) {
  spf::SpfRequest request{s->envelope.client_ip, s->envelope.helo, s->envelope.mail_from, identity};
  spf::SpfOptions options = s->auth.policy().spf;
  options.receiver = s->auth.policy().authserv_id;
  auto result =
      co_await spf::check_host(s->auth.resolver(), std::move(request), std::move(options));
  if (identity == spf::SpfIdentity::helo) {
    s->verdict.spf_helo = std::move(result);
  } else {
    s->verdict.spf_mailfrom = std::move(result);
  }
  co_return 0;
}

std::vector<asio::awaitable<int>> envelope_tasks(const StatePtr& s) {
  std::vector<asio::awaitable<int>> tasks;
  tasks.push_back(run_iprev(s));
  tasks.push_back(run_helo(s));
  tasks.push_back(run_spf(s, spf::SpfIdentity::mailfrom));
  if (s->auth.policy().check_helo_spf && spf::helo_identity(s->envelope.helo).checkable) {
    tasks.push_back(run_spf(s, spf::SpfIdentity::helo));
  }
  return tasks;
}

asio::awaitable<int> run_dkim(StatePtr s) {
  s->verdict.dkim = co_await s->dkim.verify(s->auth.resolver());
  co_return 0;
}

asio::awaitable<int> run_arc(StatePtr s) {
  s->verdict.arc = co_await s->arc.finish(s->auth.resolver());
  co_return 0;
}

asio::awaitable<int> fetch_dkim_keys(StatePtr s) {
  co_await s->dkim.fetch_keys(s->auth.resolver());
  co_return 0;
}

asio::awaitable<int> fetch_arc_keys(StatePtr s) {
  co_await s->arc.fetch_keys(s->auth.resolver());
  co_return 0;
}

asio::awaitable<int> find_dmarc_policies(StatePtr s) {
  co_await s->dmarc->find();
  co_return 0;
}

dmarc::DmarcInput dmarc_identities(const Verdict& v) {
  dmarc::DmarcInput input;
  if (v.spf_mailfrom && !v.spf_mailfrom->domain.empty()) {
    input.spf = dmarc::SpfIdentity{v.spf_mailfrom->domain,
                                   outcome(spf::to_string(v.spf_mailfrom->verdict))};
  }
  for (const auto& d : v.dkim) {
    if (d.domain.empty()) continue;
    input.dkim.push_back({d.domain, outcome(dkim::to_string(d.status))});
  }
  return input;
}

std::vector<std::string> from_values(const message::HeaderList& headers) {
  return message::from_field_values(headers);  // with From fields hidden behind a bare CR
}

// Compared as A-labels, so an entry matches the author domain however either is written.
bool is_ignored(const std::string& domain, const LocalPolicy& policy) {
  if (policy.dmarc_ignore_domains.empty()) return false;
  const auto author = domain_to_a_labels(domain);
  if (!author) return false;
  for (const auto& entry : policy.dmarc_ignore_domains) {
    const auto listed = domain_to_a_labels(entry);
    if (listed && domain_equal(*author, *listed)) return true;
  }
  return false;
}

bool all_ignored(const std::vector<std::string>& values, const LocalPolicy& policy) {
  if (policy.dmarc_ignore_domains.empty()) return false;
  auto authors = message::author_domains(values, message::MultipleFromPolicy::evaluate_each);
  if (!authors.ok() || authors->domains.empty()) return false;
  for (const auto& domain : authors->domains) {
    if (!is_ignored(domain, policy)) return false;
  }
  return true;
}

// Once the header section is complete (or at the end): DKIM's and ARC's key lookups and DMARC's
// policy discovery go out while the body may still arrive and the envelope checks may still wait.
// What the resolver holds already is taken at once, without a task: it would not wait.
void prepare_message_lookups(const StatePtr& s) {
  const LocalPolicy& policy = s->auth.policy();
  auto froms = from_values(s->reader.headers());
  s->verdict.dmarc_ignored = all_ignored(froms, policy);
  if (!s->verdict.dmarc_ignored) {
    if (!s->read_error.empty() && !s->reader.headers_complete()) {
      dmarc::DmarcResult& result = s->verdict.dmarc.emplace();
      result.status = dmarc::DmarcStatus::permerror;
      result.reason = "message header unreadable: " + s->read_error;
      result.from_problem = dmarc::FromProblem::header_unreadable;
    } else {
      s->dmarc.emplace(s->auth.resolver(), policy.dmarc);
      // With several author domains (evaluated each), an ignored one is left out and the
      // others decide.
      s->dmarc->set_authors(
          froms, [&policy](const std::string& domain) { return is_ignored(domain, policy); });
    }
  }
  std::vector<asio::awaitable<int>> tasks;
  if (!s->dkim.fetch_keys_now(s->auth.resolver())) tasks.push_back(fetch_dkim_keys(s));
  if (policy.check_arc && !s->arc.fetch_keys_now(s->auth.resolver())) {
    tasks.push_back(fetch_arc_keys(s));
  }
  if (s->dmarc && !s->dmarc->records_at_hand()) tasks.push_back(find_dmarc_policies(s));
  spawn_group(s, s->message_lookups, std::move(tasks));
}

// Never throws: it runs inside feed(), and finish() waits for what it starts. A failure (a bug,
// a resolver's answer_now() throwing) is kept for finish(), which turns it into the internal
// error verdict.
void start_message_lookups(const StatePtr& s) {
  TaskGroup& group = s->message_lookups;
  if (group.started) return;
  group.started = true;
  try {
    prepare_message_lookups(s);
  } catch (...) {
    if (!group.failure) group.failure = std::current_exception();
    if (group.pending == 0) group.done.notify(s->executor);
  }
}

// DKIM and ARC, once the message is complete: their keys are in (or at hand), and DMARC's
// discovery too; what is left is hashing and signature checks.
asio::awaitable<void> run_message_checks(StatePtr s) {
  co_await join_group(s->message_lookups);
  if (s->dmarc) co_await s->dmarc->find();  // at hand, or done already by its task
  co_await run_dkim(s);
  // Without ARC fields the chain is "none" at once; an unreadable header still reports it.
  if (s->auth.policy().check_arc) co_await run_arc(s);
}

// The end of the input: the reader completes a header section without an empty line after it,
// or the scan after an error of what follows the error. (The body's end: for DKIM and ARC.)
void finish_reading(MessageCheck::State& s) {
  if (!s.read_error.empty() && !s.reader.salvaging()) return;
  if (auto status = s.reader.finish(); !status.ok() && s.read_error.empty()) {
    s.read_error = status.reason();
  }
}

// The fields read that hide one of our Authentication-Results fields behind a bare CR, except
// those `forged` (indexes among the Authentication-Results fields) lists already. Only a field
// with a bare CR is looked into.
std::vector<FieldPosition> hidden_forged_fields(const message::HeaderList& headers,
                                                const std::vector<std::string>& our_ids,
                                                const std::vector<std::size_t>& forged) {
  std::vector<FieldPosition> out;
  std::size_t authres_index = 0;
  for (std::size_t i = 0; i < headers.size(); ++i) {
    const message::HeaderField& field = headers[i];
    const bool authres = authres::is_authres_field_name(field.name());
    if (authres) ++authres_index;
    const auto hidden = message::values_behind_bare_cr(field, authres::kFieldName);
    if (std::none_of(hidden.begin(), hidden.end(), [&](const std::string& value) {
          return authres::is_own_field(authres::kFieldName, value, our_ids);
        })) {
      continue;
    }
    if (authres && std::find(forged.begin(), forged.end(), authres_index - 1) != forged.end()) {
      continue;  // removed as a forged field already
    }
    const auto before =
        std::count_if(headers.begin(), headers.begin() + static_cast<std::ptrdiff_t>(i),
                      [&](const message::HeaderField& other) { return other.is(field.name()); });
    out.push_back({std::string(field.name()), static_cast<std::size_t>(before)});
  }
  return out;
}

// The incoming Authentication-Results fields that carry our authserv-id, as indexes among the
// Authentication-Results fields (those read, then those below an error in the header section),
// and the fields that hide one behind a bare CR.
void report_forged_fields(const MessageCheck::State& s, Verdict& v) {
  const message::HeaderList& headers = s.reader.headers();
  const std::vector<std::string> our_ids{s.auth.policy().authserv_id};
  v.forged_authres_fields = authres::find_own_fields(headers, our_ids);
  if (!s.late_authres.ours.empty()) {
    const auto read = static_cast<std::size_t>(
        std::count_if(headers.begin(), headers.end(), [](const message::HeaderField& field) {
          return authres::is_authres_field_name(field.name());
        }));
    for (std::size_t index : s.late_authres.ours) v.forged_authres_fields.push_back(read + index);
  }
  v.hidden_authres_fields = hidden_forged_fields(headers, our_ids, v.forged_authres_fields);
}

// For a sender skipped with its header section read (Skip::read_headers): our authserv-id's
// forged fields there, once a section without an empty line after it is complete.
void report_forged_fields_in_header_section(MessageCheck::State& s, Verdict& v) {
  if (!s.reader.headers_complete()) finish_reading(s);
  report_forged_fields(s, v);
}

}  // namespace

MessageCheck::MessageCheck(const Authenticator& authenticator, Envelope envelope)
    : state_(std::make_shared<State>(authenticator, std::move(envelope))) {}

MessageCheck::~MessageCheck() = default;

asio::awaitable<void> MessageCheck::start_envelope_checks() {
  auto s = state_;
  if (s->envelope_checks.started) co_return;
  s->envelope_checks.started = true;
  s->executor = co_await asio::this_coro::executor;
  // Each check on its own, concurrently with the others and with the message's arrival; none
  // when the checks are skipped.
  spawn_group(s, s->envelope_checks,
              s->skip.reason.empty() ? envelope_tasks(s) : std::vector<asio::awaitable<int>>());
}

void MessageCheck::feed(std::string_view chunk) {
  State& s = *state_;
  if (s.finished) return;
  if (!s.read_error.empty()) {
    // The rest of an unreadable header section may hold forged fields: the reader scans it.
    if (s.reader.salvaging()) (void)s.reader.feed(chunk);
    return;
  }
  const bool skipped = !s.skip.reason.empty();
  if (skipped && (!s.skip.read_headers || s.reader.headers_complete())) return;
  auto status = s.reader.feed(chunk);
  if (!status.ok()) {
    s.read_error = status.reason();
  } else if (!skipped && s.envelope_checks.started && s.reader.headers_complete()) {
    start_message_lookups(state_);  // while the body is still to come
  }
}

namespace {

// Mail is never lost because of us: a bug or resource failure inside a check becomes this
// verdict (accept, or tempfail when the policy prefers the sender to retry), not an exception
// in the MTA's path.
Verdict internal_error_verdict(const LocalPolicy& policy, const std::string& what) {
  Verdict v;
  v.reason = "internal error, checks abandoned: " + what;
  if (policy.tempfail_on_internal_error) {
    v.action = Action::tempfail;
    v.reply = {"451", "4.3.0", "Temporary local problem checking the message; try again later"};
  } else {
    v.action = Action::accept;
    v.reply = {"250", "2.0.0", "OK"};
  }
  v.authentication_results = build_skipped_authres(policy, Envelope{});
  return v;
}

}  // namespace

asio::awaitable<void> MessageCheck::settle() {
  bool failed = false;
  std::string what;
  if (state_->finished) {
    // The checks' state went into the first verdict; running them again would write results
    // for emptied identities.
    state_->verdict =
        internal_error_verdict(state_->auth.policy(), "finish() called more than once");
    co_return;
  }
  state_->finished = true;
  try {
    co_await finish_checks();
  } catch (const std::exception& e) {
    failed = true;
    what = e.what();
  } catch (...) {
    failed = true;
    what = "unknown exception";
  }
  if (failed) {
    // The envelope checks may still be running (DKIM, ARC and DMARC go on beside them): they
    // use the Authenticator, which the caller may destroy once it has the verdict, so they end
    // first.
    for (TaskGroup* group : {&state_->envelope_checks, &state_->message_lookups}) {
      if (group->started && !group->done.notified()) co_await group->done.wait();
    }
    state_->verdict = internal_error_verdict(state_->auth.policy(), what);
    // Failing open must not keep a forged field that claims our results: what of the header
    // section was read is searched for them (RFC 8601 5), unless that fails as well.
    if (state_->skip.reason.empty() || state_->skip.read_headers) {
      try {
        report_forged_fields(*state_, state_->verdict);
      } catch (...) {  // NOLINT(bugprone-empty-catch): the verdict above stands
      }
    }
  }
  // The reason and the reply quote untrusted text; each must stay one line (Verdict).
  Verdict& v = state_->verdict;
  v.reason = one_line(v.reason);
  v.reply.text = one_line(v.reply.text);
}

asio::awaitable<Verdict> MessageCheck::finish() {
  co_await settle();
  co_return std::move(state_->verdict);
}

asio::awaitable<void> MessageCheck::finish_checks() {
  auto s = state_;
  const LocalPolicy& policy = s->auth.policy();
  Verdict& v = s->verdict;

  if (!s->skip.reason.empty()) {
    v.skipped = true;
    v.action = Action::accept;
    v.reply = {"250", "2.0.0", "OK"};
    v.reason = "checks skipped: " + s->skip.reason;
    v.authentication_results = build_skipped_authres(policy, s->envelope);
    if (s->skip.read_headers) report_forged_fields_in_header_section(*s, v);
    co_return;
  }

  finish_reading(*s);

  co_await start_envelope_checks();

  // DKIM's and ARC's keys and DMARC's policies were asked for when the header section was
  // complete (start_message_lookups), all while the envelope checks may still wait for their
  // answers. Only DMARC's judgement needs the other results.
  start_message_lookups(s);
  co_await run_message_checks(s);

  co_await join_group(s->envelope_checks);

  const message::HeaderList& headers = s->reader.headers();
  report_forged_fields(*s, v);
  if (s->dmarc) v.dmarc = co_await s->dmarc->judge(dmarc_identities(v));

  if (v.arc && v.dmarc) {
    // A temperror of an aligned identifier stands for a failure that a retry might turn into a
    // pass: a trusted forwarder that vouches for the message settles it as it settles a fail.
    const bool failed =
        v.dmarc->status == dmarc::DmarcStatus::fail ||
        (v.dmarc->status == dmarc::DmarcStatus::temperror && v.dmarc->aligned_temperror);
    // Every failing author domain, not only the strictest result's: a forwarder that vouched
    // for one author does not vouch for another From mailbox beside it.
    v.arc_override = arc::trusted_forwarder_override(
        failed, *v.arc, v.dmarc->failed_domains, policy.trusted_arc_sealers,
        {policy.dkim.refuse_unsigned_duplicates, policy.dkim.partial_body});
  }

  decide(v, policy);
  const bool internationalised = is_internationalised(s->envelope, v, headers);
  v.authentication_results = build_authres(policy, s->envelope, v, internationalised);
  if (v.spf_mailfrom) {
    v.received_spf = build_received_spf(policy, *v.spf_mailfrom, internationalised);
  }
  co_return;
}

Authenticator::Authenticator(dns::Resolver& resolver, LocalPolicy policy)
    : resolver_(resolver),
      policy_(std::move(policy)),
      key_cache_(std::make_unique<dkim::KeyCache>()) {}

Authenticator::~Authenticator() = default;

asio::awaitable<Verdict> Authenticator::check(Envelope envelope, std::string_view message) const {
  MessageCheck check(*this, std::move(envelope));
  co_await check.start_envelope_checks();
  check.feed(message);
  co_await check.settle();
  co_return std::move(check.state_->verdict);
}

}  // namespace senderauth::pipeline
