// The slow half of the answer_now()-then-query() pattern:
//
//   dns::SharedAnswer answer = resolver.answer_now(name, type);
//   if (!answer) answer = co_await dns::query_shared(resolver, name, type);
//
// The fast half is written out at each call site on purpose: calling a coroutine for it would
// cost the frame the pattern exists to avoid.
#pragma once

#include <asio/awaitable.hpp>
#include <memory>
#include <string>

#include "senderauth/dns/resolver.hpp"

namespace senderauth::dns {

inline asio::awaitable<SharedAnswer> query_shared(Resolver& resolver, std::string name,
                                                  RecordType type) {
  co_return std::make_shared<const Answer>(co_await resolver.query(std::move(name), type));
}

}  // namespace senderauth::dns
