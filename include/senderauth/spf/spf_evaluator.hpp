// check_host() (RFC 7208 4): fetch the policy, evaluate it, apply every processing limit.
// DNS goes through dns::Resolver only; independent lookups (MX host addresses, PTR name
// validation) run concurrently (dns::lookup_all); answers at hand are taken first.
#pragma once

#include <asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "senderauth/core/ip_address.hpp"
#include "senderauth/dns/resolver.hpp"
#include "senderauth/spf/spf_result.hpp"

namespace senderauth::spf {

struct SpfOptions {
  int max_dns_terms = 10;    // include, a, mx, ptr, exists, redirect (4.6.4); beyond: permerror
  int max_void_lookups = 2;  // terms whose lookup found nothing (4.6.4); beyond: permerror
  int max_mx_names = 10;     // MX records one mx term may use; beyond: permerror (4.6.4)
  int max_ptr_names = 10;    // PTR names one ptr term or %{p} looks at; the rest are ignored
  int max_depth = 32;        // include/redirect nesting, a backstop below the term limit
  // Also count each MX host whose address lookup finds nothing as a void lookup, as pyspf
  // (policyd-spf) and Mail::SPF (SpamAssassin) do. Off: an mx term counts its MX query only,
  // reading 4.6.4's "terms for which DNS queries return" nothing per term.
  bool count_mx_host_voids = false;
  // The whole check, from its first lookup that has to wait; beyond: temperror (4.6.4).
  std::chrono::milliseconds time_budget{20000};
  std::string receiver = "unknown";  // %{r}
  // Used when a fail has no (usable) exp=; macro-expanded like an explanation. %{c} is the
  // client's address as written (7.3), where %{i} would spell an IPv6 one in dotted nibbles.
  std::string default_explanation = "%{c} is not one of %{d}'s designated mail servers.";
  bool want_explanation = true;  // false: skip the exp= lookup on fail
  std::int64_t timestamp = 0;    // %{t}; 0 = now
  // Keep parsed records in a per-thread cache keyed by the record text (at most 512 entries and 1
  // MiB of text): parsing is most of an in-memory check's cost. Off: parse every time.
  bool cache_records = true;
};

struct SpfRequest {
  IpAddress client_ip;
  std::string helo;
  std::string mail_from;  // reverse-path; empty for the null sender
  SpfIdentity identity = SpfIdentity::mailfrom;
};

// Checks the request's identity: MAIL FROM (postmaster@HELO when null) or HELO. Never throws
// for DNS or policy trouble: everything comes back in the result. Arguments are taken by value
// so the (lazily started) awaitable owns them; only the resolver must outlive it.
asio::awaitable<SpfResult> check_host(dns::Resolver& resolver, SpfRequest request,
                                      SpfOptions options = {});

// The RFC's check_host(<ip>, <domain>, <sender>) for callers that chose domain and sender
// themselves (no identity rules applied; an invalid domain gives "none").
asio::awaitable<SpfResult> check_host(dns::Resolver& resolver, IpAddress client_ip,
                                      std::string domain, std::string sender, std::string helo,
                                      SpfOptions options = {});

}  // namespace senderauth::spf
