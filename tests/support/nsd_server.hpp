// A real authoritative DNS server (Debian's nsd) on 127.0.0.1 at a free high port, serving
// zones the test writes; stopped when the object goes away. For libunbound-backend tests.
#pragma once

#include <asio/any_io_executor.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "senderauth/core/result.hpp"
#include "senderauth/dns/unbound_resolver.hpp"

namespace senderauth::testing {

struct ZoneSource {
  std::string origin;  // e.g. "example.test"
  std::string text;    // RFC 1035 master file text (a SOA is added when missing)
};

class NsdServer {
 public:
  static Result<std::unique_ptr<NsdServer>> start(std::vector<ZoneSource> zones);
  ~NsdServer();
  NsdServer(const NsdServer&) = delete;
  NsdServer& operator=(const NsdServer&) = delete;

  std::uint16_t port() const { return port_; }
  std::string address() const { return "127.0.0.1@" + std::to_string(port_); }
  // True when nsd is on PATH or in /usr/sbin; tests skip (fail under CI) otherwise.
  static bool available();

 private:
  NsdServer() = default;
  std::string dir_;
  int pid_ = -1;
  std::uint16_t port_ = 0;
};

// A libunbound resolver that forwards every query to `address` ("IP@PORT": an NsdServer, or a
// test's own loopback responder), giving up on a query after `timeout`.
Result<std::unique_ptr<dns::UnboundResolver>> forwarding_resolver(
    asio::any_io_executor executor, const std::string& address, std::chrono::milliseconds timeout);

}  // namespace senderauth::testing
