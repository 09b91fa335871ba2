// Run several awaitables concurrently on the current executor and collect their results in
// order. Asio 1.22 (Debian 12) has no ranged parallel_group, hence this.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <exception>
#include <memory>
#include <optional>
#include <vector>

namespace senderauth::dns {

template <class T>
asio::awaitable<std::vector<T>> gather(std::vector<asio::awaitable<T>> tasks) {
  struct State {
    explicit State(asio::any_io_executor ex, std::size_t n)
        : timer(ex, asio::steady_timer::time_point::max()), results(n) {}
    asio::steady_timer timer;
    std::vector<std::optional<T>> results;
    std::exception_ptr failure;
    std::size_t remaining = 0;
  };
  auto executor = co_await asio::this_coro::executor;
  auto state = std::make_shared<State>(executor, tasks.size());
  state->remaining = tasks.size();
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    asio::co_spawn(executor, std::move(tasks[i]), [state, i](std::exception_ptr e, T value) {
      if (e && !state->failure) state->failure = e;
      if (!e) state->results[i].emplace(std::move(value));
      if (--state->remaining == 0) state->timer.cancel();
    });
  }
  if (state->remaining > 0) {
    std::error_code ignored;  // the cancel that wakes us
    co_await state->timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
  if (state->failure) std::rethrow_exception(state->failure);
  std::vector<T> out;
  out.reserve(state->results.size());
  for (auto& r : state->results) out.push_back(std::move(*r));
  co_return out;
}

}  // namespace senderauth::dns
