#include "senderauth/iprev/iprev.hpp"

#include <algorithm>
#include <utility>

#include "senderauth/core/domain_name.hpp"
#include "senderauth/dns/shared_answer.hpp"

namespace senderauth::iprev {

std::string_view to_string(IprevStatus status) {
  switch (status) {
    case IprevStatus::pass:
      return "pass";
    case IprevStatus::fail:
      return "fail";
    case IprevStatus::temperror:
      return "temperror";
    case IprevStatus::permerror:
      return "permerror";
  }
  return "permerror";
}

std::string IprevResult::comment() const {
  return status == IprevStatus::pass ? verified_name : reason;
}

namespace {

bool contains_address(const dns::Answer& answer, const IpAddress& ip) {
  return std::any_of(answer.addresses.begin(), answer.addresses.end(),
                     [&](const IpAddress& a) { return a.unmapped() == ip; });
}

asio::awaitable<IprevResult> run_iprev(dns::Resolver& resolver, IpAddress client,
                                       IprevOptions options) {
  IprevResult out;
  out.client_ip = client.unmapped();
  const std::string ip_text = out.client_ip.to_string();

  const std::string reverse = out.client_ip.reverse_name();
  dns::SharedAnswer ptr = resolver.answer_now(reverse, dns::RecordType::PTR);
  if (!ptr) ptr = co_await dns::query_shared(resolver, reverse, dns::RecordType::PTR);
  ++out.dns_queries;
  if (ptr->temporary_failure()) {
    out.status = IprevStatus::temperror;
    out.reason = "PTR lookup for " + ip_text + ": " + std::string(dns::to_string(ptr->status));
    co_return out;
  }
  if (!ptr->ok() || ptr->names.empty()) {
    out.status = IprevStatus::permerror;
    out.reason = "no PTR record for " + ip_text;
    co_return out;
  }

  // PTR targets come from whoever controls the reverse zone: keep host names only (RFC 1123:
  // letters, digits, inner hyphens), once each. The name goes into Authentication-Results as
  // the iprev comment, and SPF refuses a '\\' in a PTR target too (it would escape the name
  // in a resolver's presentation format).
  for (const auto& target : ptr->names) {
    auto name = parse_domain(target, DomainSyntax{.allow_underscore = false, .ldh_only = true});
    if (!name) {
      ++out.names_ignored;
      continue;
    }
    out.ptr_names.push_back(std::move(*name));
  }
  // In name order, not the answer's: which names are looked up must not depend on the order
  // a server (or libunbound's round robin) gives them in. Sorted, a name given twice is
  // dropped in the same pass.
  std::sort(out.ptr_names.begin(), out.ptr_names.end());
  out.ptr_names.erase(std::unique(out.ptr_names.begin(), out.ptr_names.end()), out.ptr_names.end());
  if (out.ptr_names.empty()) {
    out.status = IprevStatus::fail;
    out.reason = "the PTR records of " + ip_text + " name no valid host";
    co_return out;
  }

  const std::size_t cap = std::clamp<std::size_t>(options.max_names, 1, kMaxPtrNames);
  out.names_checked = std::min(cap, out.ptr_names.size());
  out.names_ignored += out.ptr_names.size() - out.names_checked;
  const dns::RecordType type = out.client_ip.is_v4() ? dns::RecordType::A : dns::RecordType::AAAA;

  std::vector<dns::Question> questions;
  for (std::size_t i = 0; i < out.names_checked; ++i) questions.push_back({out.ptr_names[i], type});
  const auto answers = co_await dns::lookup_all(resolver, std::move(questions));
  out.dns_queries += static_cast<int>(answers.size());

  bool transient = false;
  for (std::size_t i = 0; i < answers.size(); ++i) {
    if (answers[i]->ok() && contains_address(*answers[i], out.client_ip)) {
      out.status = IprevStatus::pass;
      out.verified_name = out.ptr_names[i];
      out.reason = out.verified_name + " resolves to " + ip_text;
      co_return out;
    }
    if (answers[i]->temporary_failure()) transient = true;
  }
  if (transient) {
    out.status = IprevStatus::temperror;
    out.reason = "forward lookup of a PTR name of " + ip_text + " failed temporarily";
    co_return out;
  }
  if (out.names_checked < out.ptr_names.size()) {
    // A name left unlooked-up may be the one that resolves back: not a verified failure.
    out.status = IprevStatus::permerror;
    out.reason = "none of the first " + std::to_string(out.names_checked) + " of " +
                 std::to_string(out.ptr_names.size()) + " PTR names (in name order) resolves to " +
                 ip_text + "; more are not looked up";
    co_return out;
  }
  out.status = IprevStatus::fail;
  out.reason = out.ptr_names.front() + " does not resolve to " + ip_text;
  if (out.names_checked > 1) {
    out.reason =
        "none of " + std::to_string(out.names_checked) + " PTR names resolves to " + ip_text;
  }
  co_return out;
}

}  // namespace

asio::awaitable<IprevResult> check_iprev(dns::Resolver& resolver, const IpAddress& client) {
  return run_iprev(resolver, client, IprevOptions{});
}

asio::awaitable<IprevResult> check_iprev(dns::Resolver& resolver, const IpAddress& client,
                                         const IprevOptions& options) {
  return run_iprev(resolver, client, options);
}

}  // namespace senderauth::iprev
