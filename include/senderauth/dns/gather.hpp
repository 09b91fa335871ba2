// Run several awaitables concurrently on the current executor and collect their results in
// order. Asio 1.22 (Debian 12) has no ranged parallel_group, hence this. The last task to
// finish wakes the gathering coroutine through a CompletionSignal (no timer).
#pragma once

#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <exception>
#include <memory>
#include <optional>
#include <vector>

#include "senderauth/dns/completion_signal.hpp"

namespace senderauth::dns {

template <class T>
asio::awaitable<std::vector<T>> gather(std::vector<asio::awaitable<T>> tasks) {
  if (tasks.size() == 1) {
    // Nothing to run alongside (e.g. one DKIM key): awaiting it directly saves the spawn, the
    // shared state and the wake-up through the executor (~1 us per message).
    std::vector<T> out;
    out.push_back(co_await std::move(tasks.front()));
    co_return out;
  }
  struct State {
    std::vector<std::optional<T>> results;
    std::exception_ptr failure;
    std::size_t remaining = 0;
    CompletionSignal done;
  };
  auto executor = co_await asio::this_coro::executor;
  auto state = std::make_shared<State>();
  state->results.resize(tasks.size());
  state->remaining = tasks.size();
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    asio::co_spawn(executor, std::move(tasks[i]),
                   [state, i, executor](std::exception_ptr e, T value) {
                     if (e && !state->failure) state->failure = e;
                     if (!e) state->results[i].emplace(std::move(value));
                     if (--state->remaining == 0) state->done.notify(executor);
                   });
  }
  if (state->remaining > 0) co_await state->done.wait();
  if (state->failure) std::rethrow_exception(state->failure);
  std::vector<T> out;
  out.reserve(state->results.size());
  for (auto& r : state->results) out.push_back(std::move(*r));
  co_return out;
}

}  // namespace senderauth::dns
