// Lookups that take an answer at hand (Resolver::answer_now) before asking (Resolver::query).
//
// One lookup, the pattern written out at the call site:
//
//   dns::SharedAnswer answer = resolver.answer_now(name, type);
//   if (!answer) answer = co_await dns::query_shared(resolver, name, type);
//
// (calling a coroutine for the fast half would cost the frame the pattern exists to avoid).
// Several independent lookups: lookup_all().
#pragma once

#include <asio/awaitable.hpp>
#include <memory>
#include <string>
#include <vector>

#include "senderauth/dns/gather.hpp"
#include "senderauth/dns/resolver.hpp"

namespace senderauth::dns {

inline asio::awaitable<SharedAnswer> query_shared(Resolver& resolver, std::string name,
                                                  RecordType type) {
  co_return std::make_shared<const Answer>(co_await resolver.query(std::move(name), type));
}

struct Question {
  std::string name;
  RecordType type = RecordType::A;
};

// How lookup_all() asks for an answer not at hand: query_shared(), or a caller's variant (ARC
// turns a resolver's exception into an error answer for that one key).
using FetchAnswer = asio::awaitable<SharedAnswer> (*)(Resolver&, std::string, RecordType);

// The answers to `questions`, in order: those at hand at once, the others asked concurrently.
inline asio::awaitable<std::vector<SharedAnswer>> lookup_all(Resolver& resolver,
                                                             std::vector<Question> questions,
                                                             FetchAnswer fetch = query_shared) {
  std::vector<SharedAnswer> answers(questions.size());
  std::vector<std::size_t> missing;
  for (std::size_t i = 0; i < questions.size(); ++i) {
    answers[i] = resolver.answer_now(questions[i].name, questions[i].type);
    if (!answers[i]) missing.push_back(i);
  }
  if (!missing.empty()) {
    std::vector<asio::awaitable<SharedAnswer>> lookups;
    lookups.reserve(missing.size());
    for (std::size_t i : missing) {
      lookups.push_back(fetch(resolver, questions[i].name, questions[i].type));
    }
    std::vector<SharedAnswer> fetched = co_await gather(std::move(lookups));
    for (std::size_t k = 0; k < missing.size(); ++k) answers[missing[k]] = std::move(fetched[k]);
  }
  co_return answers;
}

}  // namespace senderauth::dns
