// The one way protocol code talks to DNS. Parsers and evaluators take a Resolver&; tests pass
// an in-memory ZoneResolver, production a libunbound UnboundResolver.
#pragma once

#include <asio/awaitable.hpp>
#include <string>
#include <string_view>

#include "senderauth/dns/answer.hpp"

namespace senderauth::dns {

class Resolver {
 public:
  virtual ~Resolver() = default;
  // Never throws for DNS trouble: failures come back as an Answer status. `name` may carry a
  // trailing dot and any case.
  virtual asio::awaitable<Answer> query(std::string name, RecordType type) = 0;
};

// Lower-case, without trailing dot: how names are keyed and reported.
std::string normalize_query_name(std::string_view name);

}  // namespace senderauth::dns
