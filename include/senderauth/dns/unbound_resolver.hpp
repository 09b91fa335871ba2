// libunbound backend, driven from the Asio loop through ub_fd(): no thread per query.
// Lifetimes: the io_context must outlive the resolver, and the resolver its queries (answers
// still pending when it goes away are dropped).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

// Asio after a standard header on purpose: Asio 1.22 picks aligned_alloc or operator new for
// its handler memory by whether libstdc++'s config was seen first, and translation units that
// disagree free each other's blocks with the wrong function (ASan: alloc-dealloc-mismatch).
#include <asio/any_io_executor.hpp>

#include "senderauth/core/result.hpp"
#include "senderauth/dns/resolver.hpp"

namespace senderauth::dns {

struct UnboundOptions {
  // "IP" or "IP@PORT". Empty: the forwarders of `resolv_conf` (unless `recursion`). With
  // forwarders, unbound's built-in local zones for reserved names (test., invalid.,
  // 127.in-addr.arpa., the documentation ranges' reverse zones, ...) step aside so the
  // forwarder answers them.
  std::vector<std::string> forwarders;
  std::string resolv_conf = "/etc/resolv.conf";
  // Full recursion from the root instead of forwarding.
  bool recursion = false;
  // Validate DNSSEC with this trust anchor file (Debian's dns-root-data).
  bool dnssec = false;
  std::string trust_anchor_file = "/usr/share/dns/root.key";
  // Upper bound for one query, enforced by us whatever unbound's own retries do.
  std::chrono::milliseconds timeout{5000};
};

class UnboundResolver final : public Resolver {
 public:
  static Result<std::unique_ptr<UnboundResolver>> create(asio::any_io_executor executor,
                                                         UnboundOptions options);
  ~UnboundResolver() override;
  asio::awaitable<Answer> query(std::string name, RecordType type) override;

  struct Impl;

 private:
  explicit UnboundResolver(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace senderauth::dns
