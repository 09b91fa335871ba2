// An in-memory zone reached only through query(): no answer is ever at hand, as with a
// resolver before its cache has the answer. Counts the queries.
#pragma once

#include <string>

#include "senderauth/dns/resolver.hpp"
#include "senderauth/dns/zone_resolver.hpp"

namespace senderauth::testing {

class QueryOnlyResolver final : public dns::Resolver {
 public:
  explicit QueryOnlyResolver(dns::ZoneResolver& zone) : zone_(zone) {}
  asio::awaitable<dns::Answer> query(std::string name, dns::RecordType type) override {
    ++queries;
    co_return zone_.lookup(name, type);
  }
  int queries = 0;

 private:
  dns::ZoneResolver& zone_;
};

}  // namespace senderauth::testing
