// libunbound driven from the Asio loop. One background worker thread inside libunbound does
// the network work; answers come back through a pipe (ub_fd) that we watch with a
// stream_descriptor, and ub_process() runs the callbacks on the loop's thread. The fd is only
// watched while queries are in flight so that io_context::run() returns when idle.
#include "senderauth/dns/unbound_resolver.hpp"

#include <unbound.h>

#include <asio/posix/stream_descriptor.hpp>
#include <asio/post.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <charconv>
#include <fstream>
#include <memory>
#include <optional>
#include <span>

#include "senderauth/core/ip_address.hpp"
#include "unbound_wire.hpp"

namespace senderauth::dns {
namespace {

// unbound's built-in local zones for reserved names (RFC 6303, 6761, 7686, 8375, ...) answer
// NXDOMAIN before any forwarder is asked. With an explicit forwarder (a test server) they must
// step aside. The documented way, `local-zone: "test." nodefault`, does not work through
// ub_ctx_set_option in libunbound 1.17 (it stores "test. nodefault" whole as the zone name, so
// it never matches); declaring a `transparent` zone of the same name also displaces the
// default, and a transparent zone without local data resolves every query normally.
constexpr const char* kReservedZones[] = {
    "test.",
    "invalid.",
    "onion.",
    "home.arpa.",
    "resolver.arpa.",
    "service.arpa.",
    "0.in-addr.arpa.",
    "10.in-addr.arpa.",
    "127.in-addr.arpa.",
    "254.169.in-addr.arpa.",
    "168.192.in-addr.arpa.",
    "2.0.192.in-addr.arpa.",
    "100.51.198.in-addr.arpa.",
    "113.0.203.in-addr.arpa.",
    "255.255.255.255.in-addr.arpa.",
    "16.172.in-addr.arpa.",
    "17.172.in-addr.arpa.",
    "18.172.in-addr.arpa.",
    "19.172.in-addr.arpa.",
    "20.172.in-addr.arpa.",
    "21.172.in-addr.arpa.",
    "22.172.in-addr.arpa.",
    "23.172.in-addr.arpa.",
    "24.172.in-addr.arpa.",
    "25.172.in-addr.arpa.",
    "26.172.in-addr.arpa.",
    "27.172.in-addr.arpa.",
    "28.172.in-addr.arpa.",
    "29.172.in-addr.arpa.",
    "30.172.in-addr.arpa.",
    "31.172.in-addr.arpa.",
    "8.b.d.0.1.0.0.2.ip6.arpa.",
    "d.f.ip6.arpa.",
    "8.e.f.ip6.arpa.",
    "9.e.f.ip6.arpa.",
    "a.e.f.ip6.arpa.",
    "b.e.f.ip6.arpa.",
};

// "IP" or "IP@PORT" with a literal IP and a port in 1..65535.
Result<void> check_forwarder(const std::string& text) {
  const auto at = text.find('@');
  const std::string ip = text.substr(0, at);
  if (!IpAddress::parse(ip)) {
    return make_error("forwarder '" + text + "': not an IP address");
  }
  if (at != std::string::npos) {
    const std::string port = text.substr(at + 1);
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535) {
      return make_error("forwarder '" + text + "': port must be 1..65535");
    }
  }
  return {};
}

Result<void> check(int rc, const std::string& what) {
  if (rc == 0) return {};
  return make_error("libunbound: " + what + ": " + ub_strerror(rc));
}

struct CtxDeleter {
  void operator()(ub_ctx* ctx) const { ub_ctx_delete(ctx); }
};

// The libunbound context and the watch on its result pipe. Handlers and pending queries hold
// it weakly: once the resolver is gone they find nothing to touch.
struct Core : std::enable_shared_from_this<Core> {
  Core(asio::any_io_executor ex, std::unique_ptr<ub_ctx, CtxDeleter> c)
      : executor(ex), ctx(std::move(c)), pipe(ex, ub_fd(ctx.get())) {}
  ~Core() {
    // The fd belongs to libunbound: stop watching it without closing it.
    std::error_code ignored;
    pipe.cancel(ignored);
    pipe.release();
    ctx.reset();  // drops the queries still in flight; their callbacks are not called
  }

  void watch() {
    if (watching || in_flight == 0) return;
    watching = true;
    auto on_ready = [weak = weak_from_this()](std::error_code ec) {
      auto self = weak.lock();
      if (!self) return;
      self->watching = false;
      if (!ec) ub_process(self->ctx.get());
      self->watch();  // again while queries remain, also after a cancelled wait
    };
    // Asio's reactor is edge-triggered: data that arrived while nobody watched (answers to
    // cancelled queries, say) would not wake a new wait. Look before waiting.
    if (ub_poll(ctx.get()) != 0) {
      asio::post(executor, [on_ready] { on_ready({}); });
    } else {
      pipe.async_wait(asio::posix::stream_descriptor::wait_read, on_ready);
    }
  }

  void finished() {
    --in_flight;
    if (in_flight == 0 && watching) {
      std::error_code ignored;
      pipe.cancel(ignored);
    }
  }

  asio::any_io_executor executor;
  std::unique_ptr<ub_ctx, CtxDeleter> ctx;
  asio::posix::stream_descriptor pipe;
  std::size_t in_flight = 0;
  bool watching = false;
};

// One query waiting for libunbound, living in the query's coroutine frame: the callback fills
// it in and cancels the timer that the coroutine waits on (the same timer carries the
// timeout). Whichever way the coroutine ends, the destructor withdraws the query from
// libunbound so that the callback can never reach a destroyed frame.
struct Pending {
  Pending(asio::any_io_executor ex, std::weak_ptr<Core> c) : timer(std::move(ex)), core(c) {}
  Pending(const Pending&) = delete;
  Pending& operator=(const Pending&) = delete;
  ~Pending() {
    if (submitted) {
      if (auto c = core.lock()) {
        if (!completed) ub_cancel(c->ctx.get(), async_id);
        c->finished();
      }
    }
    if (result != nullptr) ub_resolve_free(result);
  }

  asio::steady_timer timer;
  std::weak_ptr<Core> core;
  int async_id = 0;
  bool submitted = false;
  bool completed = false;
  int err = 0;
  ub_result* result = nullptr;
};

void on_result(void* arg, int err, ub_result* result) {
  auto* pending = static_cast<Pending*>(arg);
  pending->completed = true;
  pending->err = err;
  pending->result = result;
  pending->timer.cancel();
}

Answer to_answer(std::string name, RecordType type, const ub_result& res, bool dnssec_on) {
  Answer answer;
  answer.name = std::move(name);
  answer.type = type;
  // Set for ok answers below. For negative ones libunbound's ttl is no guide: without a SOA it
  // is a placeholder (32768).
  answer.ttl = 0;
  if (res.bogus) {
    answer.dnssec = DnssecState::bogus;
  } else if (res.secure) {
    answer.dnssec = DnssecState::secure;
  } else {
    answer.dnssec = dnssec_on ? DnssecState::insecure : DnssecState::indeterminate;
  }
  std::span<const std::uint8_t> packet;
  if (res.answer_packet != nullptr && res.answer_len > 0) {
    packet = {static_cast<const std::uint8_t*>(res.answer_packet),
              static_cast<std::size_t>(res.answer_len)};
    // Asked for the CNAME itself, the answer is that record: there is no chain to follow.
    if (type != RecordType::CNAME) answer.cname_chain = wire::cname_chain(packet, answer.name);
  }
  if (res.bogus) {
    // libunbound hands bogus data over for inspection; a validating resolver must not: the
    // caller sees what a validating server answers, SERVFAIL, and why.
    answer.status = Status::servfail;
    answer.error_text = "SERVFAIL: DNSSEC validation failed";
    if (res.why_bogus != nullptr) answer.error_text += std::string(": ") + res.why_bogus;
    return answer;
  }
  // The rcode first: an NXDOMAIN that still carries records of the asked type contradicts
  // itself, and neither half may be believed (its data as ok, or its "no such name").
  switch (res.rcode) {
    case 0:
      break;
    case 3:
      if (res.havedata) {
        answer.status = Status::error;
        answer.error_text = "malformed answer: NXDOMAIN with answer records";
        return answer;
      }
      answer.status = Status::nxdomain;
      answer.ttl = wire::negative_ttl(packet).value_or(0);
      return answer;
    case 2:
      answer.status = Status::servfail;
      answer.error_text = "SERVFAIL";
      if (res.why_bogus != nullptr) answer.error_text += std::string(": ") + res.why_bogus;
      return answer;
    default:
      answer.status = Status::error;
      answer.error_text = "rcode " + std::to_string(res.rcode);
      return answer;
  }
  if (!res.havedata) {
    answer.status = Status::nodata;
    answer.ttl = wire::negative_ttl(packet).value_or(0);
    return answer;
  }
  answer.ttl = res.ttl > 0 ? static_cast<std::uint32_t>(res.ttl) : 0;
  std::size_t appended = 0;
  std::size_t skipped = 0;
  for (std::size_t i = 0; res.data[i] != nullptr; ++i) {
    std::span<const std::uint8_t> rdata(reinterpret_cast<const std::uint8_t*>(res.data[i]),
                                        static_cast<std::size_t>(res.len[i]));
    switch (wire::decode_rdata(type, rdata, answer)) {
      case wire::Rdata::appended:
        ++appended;
        break;
      case wire::Rdata::skipped:
        ++skipped;
        break;
      case wire::Rdata::malformed:
        answer.status = Status::error;
        answer.error_text = "malformed " + std::string(to_string(type)) + " record";
        return answer;
    }
  }
  if (appended == 0 && skipped > 0) {
    // A well-formed, lasting answer with nothing usable in it: no record, not a DNS failure
    // (iprev's permerror, a void lookup for SPF), as a name of another odd form would be.
    answer.status = Status::nodata;
    answer.error_text =
        "every " + std::string(to_string(type)) + " record names a host with a '.' inside a label";
    return answer;
  }
  answer.status = Status::ok;
  return answer;
}

}  // namespace

struct UnboundResolver::Impl {
  UnboundOptions options;
  std::shared_ptr<Core> core;
};

namespace {

Result<void> configure(ub_ctx* c, const UnboundOptions& options) {
  // A worker thread rather than a forked process: cheaper and safe in test programs.
  if (auto r = check(ub_ctx_async(c, 1), "async threads"); !r) return r;
  // libunbound logs to stderr by default ("info: validator: error. failed to classify
  // response message" for a malformed answer): stderr is ours, for our one error line. What
  // it would say reaches the caller as the answer's status and error text.
  if (auto r = check(ub_ctx_debuglevel(c, 0), "debug level"); !r) return r;
  if (auto r = check(ub_ctx_debugout(c, nullptr), "debug output"); !r) return r;
  if (options.recursion) {
    if (!options.forwarders.empty()) {
      return make_error("unbound: recursion and forwarders are exclusive");
    }
  } else if (options.forwarders.empty()) {
    if (auto r = check(ub_ctx_resolvconf(c, options.resolv_conf.c_str()),
                       "reading '" + options.resolv_conf + "'");
        !r) {
      return r;
    }
  } else {
    for (const auto& fwd : options.forwarders) {
      if (auto r = check_forwarder(fwd); !r) return r;
      if (auto r = check(ub_ctx_set_fwd(c, fwd.c_str()), "forwarder '" + fwd + "'"); !r) return r;
    }
    for (const char* zone : kReservedZones) {
      const std::string value = std::string(zone) + " transparent";
      if (auto r = check(ub_ctx_set_option(c, "local-zone:", value.c_str()), "local-zone " + value);
          !r) {
        return r;
      }
    }
  }
  if (!options.recursion) {
    // Forwarders on loopback (a local cache, a test server) are what we are told to use.
    if (auto r = check(ub_ctx_set_option(c, "do-not-query-localhost:", "no"), "option"); !r) {
      return r;
    }
  }
  if (options.dnssec) {
    // libunbound reads the file only at the first query: check now so the error comes here.
    if (!std::ifstream(options.trust_anchor_file).good()) {
      return make_error("unbound: trust anchor '" + options.trust_anchor_file + "' unreadable");
    }
    if (auto r = check(ub_ctx_add_ta_file(c, options.trust_anchor_file.c_str()),
                       "trust anchor '" + options.trust_anchor_file + "'");
        !r) {
      return r;
    }
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<UnboundResolver>> UnboundResolver::create(asio::any_io_executor executor,
                                                                 UnboundOptions options) {
  if (options.timeout.count() <= 0) return make_error("unbound: timeout must be positive");
  std::unique_ptr<ub_ctx, CtxDeleter> ctx(ub_ctx_create());
  if (!ctx) return make_error("libunbound: ub_ctx_create failed");
  if (auto r = configure(ctx.get(), options); !r) return r.error();
  if (ub_fd(ctx.get()) < 0) return make_error("libunbound: no result pipe");
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  impl->core = std::make_shared<Core>(executor, std::move(ctx));
  return std::unique_ptr<UnboundResolver>(new UnboundResolver(std::move(impl)));
}

UnboundResolver::UnboundResolver(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
UnboundResolver::~UnboundResolver() = default;

asio::awaitable<Answer> UnboundResolver::query(std::string name, RecordType type) {
  Answer answer;
  answer.name = normalize_query_name(name);
  answer.type = type;
  if (std::string why = why_name_cannot_exist(answer.name); !why.empty()) {
    answer.status = Status::nxdomain;  // libunbound would refuse it as a syntax error
    answer.error_text = "no such name can exist: " + why;
    co_return answer;
  }
  const std::optional<std::string> qname = wire::query_text(answer.name);
  if (!qname) {
    answer.status = Status::error;
    answer.error_text = "a name with a NUL byte cannot be looked up";
    co_return answer;
  }
  // Nothing of the resolver is touched after the wait below but through `pending`'s weak
  // pointer: a query outliving its resolver ends as a timeout instead of a use-after-free.
  const auto timeout = impl_->options.timeout;
  const bool dnssec = impl_->options.dnssec;
  Core& core = *impl_->core;

  Pending pending(core.executor, impl_->core);
  pending.timer.expires_after(timeout);
  const int rc = ub_resolve_async(core.ctx.get(), qname->c_str(), static_cast<int>(type),
                                  1 /* IN */, &pending, &on_result, &pending.async_id);
  if (rc != 0) {
    answer.status = Status::error;
    answer.error_text = std::string("libunbound: ") + ub_strerror(rc);
    co_return answer;
  }
  pending.submitted = true;
  ++core.in_flight;
  core.watch();
  if (!pending.completed) {
    std::error_code ignored;
    co_await pending.timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
  if (!pending.completed) {
    // Our deadline, whatever unbound's own retry schedule; ~Pending withdraws the query.
    answer.status = Status::timeout;
    answer.error_text = "no answer within " + std::to_string(timeout.count()) + " ms";
    co_return answer;
  }
  if (pending.err != 0 || pending.result == nullptr) {
    answer.status = Status::error;
    answer.error_text = std::string("libunbound: ") + ub_strerror(pending.err);
    co_return answer;
  }
  co_return to_answer(std::move(answer.name), type, *pending.result, dnssec);
}

}  // namespace senderauth::dns
