// Run several awaitables concurrently on the current executor and collect their results in
// order. Asio 1.22 (Debian 12) has no ranged parallel_group, hence this.
//
// The gathering coroutine parks its own completion handler and the last task to finish resumes
// it. (A timer used as a wake-up would arm the reactor's timerfd: two system calls per gather,
// which was a measurable part of an in-memory SPF check.) Single-threaded executors only, like
// the rest of the library: the counters are not atomic.
#pragma once

#include <asio/async_result.hpp>
#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <asio/post.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace senderauth::dns {

template <class T>
asio::awaitable<std::vector<T>> gather(std::vector<asio::awaitable<T>> tasks) {
  struct State {
    std::vector<std::optional<T>> results;
    std::exception_ptr failure;
    std::size_t remaining = 0;
    std::function<void()> resume;  // set while the gathering coroutine waits
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
                     if (--state->remaining == 0 && state->resume) {
                       // Resumed from the executor's queue, not from inside this handler.
                       asio::post(executor, std::move(state->resume));
                       state->resume = nullptr;
                     }
                   });
  }
  if (state->remaining > 0) {
    // A raw pointer, not a shared_ptr copy: GCC 12 may destroy temporaries of a co_await
    // expression twice, which would release a captured shared_ptr once too often. `state`
    // outlives the wait (this frame holds it).
    State* raw = state.get();
    auto park = [raw](auto handler) {
      // std::function needs a copyable target; the handler is move-only.
      auto shared = std::make_shared<decltype(handler)>(std::move(handler));
      raw->resume = [shared] { std::move (*shared)(); };
    };
    co_await asio::async_initiate<decltype(asio::use_awaitable), void()>(park, asio::use_awaitable);
  }
  if (state->failure) std::rethrow_exception(state->failure);
  std::vector<T> out;
  out.reserve(state->results.size());
  for (auto& r : state->results) out.push_back(std::move(*r));
  co_return out;
}

}  // namespace senderauth::dns
