// The one way protocol code talks to DNS. Parsers and evaluators take a Resolver&; tests pass
// an in-memory ZoneResolver, production a libunbound UnboundResolver.
#pragma once

#include <asio/awaitable.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "senderauth/dns/answer.hpp"

namespace senderauth::dns {

// An answer shared with the resolver that holds it (an in-memory zone, a cache entry).
using SharedAnswer = std::shared_ptr<const Answer>;

class Resolver {
 public:
  virtual ~Resolver() = default;
  // Never throws for DNS trouble: failures come back as an Answer status. `name` may carry a
  // trailing dot and any case.
  virtual asio::awaitable<Answer> query(std::string name, RecordType type) = 0;

  // The same answer query() would give, when the resolver has it at hand without waiting (an
  // in-memory zone, a fresh cache entry); null when only query() can tell. Callers try this
  // first: an answer from memory then costs a hash probe instead of a coroutine round.
  virtual SharedAnswer answer_now(std::string_view name, RecordType type) {
    (void)name;
    (void)type;
    return nullptr;
  }
};

// Lower-case, without trailing dot: how names are keyed and reported.
std::string normalize_query_name(std::string_view name);

// Why no name `name` spells can exist in the DNS (RFC 1035 2.3.4: over 253 octets without the
// trailing dot, a label over 63 octets, an empty label), or empty when one can. Both backends
// answer such a query NXDOMAIN without asking: a name built from a sender's input (`_dmarc.`
// before a 250-octet author domain, a DKIM selector, an SPF macro) that cannot exist is not
// found, a fact no retry changes, rather than a lookup failure the protocols call temperror.
std::string why_name_cannot_exist(std::string_view name);

}  // namespace senderauth::dns
