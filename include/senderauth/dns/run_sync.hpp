// Drive one awaitable to completion on a private io_context: for the CLI, tests and benchmarks.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <exception>
#include <optional>
#include <utility>

namespace senderauth::dns {

template <class T>
T run_sync(asio::io_context& io, asio::awaitable<T> task) {
  std::optional<T> result;
  std::exception_ptr failure;
  // The value by reference: a result may be large (a pipeline Verdict), each move costs.
  asio::co_spawn(io, std::move(task), [&](std::exception_ptr e, T&& value) {
    failure = e;
    if (!e) result.emplace(std::move(value));
  });
  io.restart();
  io.run();
  if (failure) std::rethrow_exception(failure);
  return std::move(*result);
}

}  // namespace senderauth::dns
