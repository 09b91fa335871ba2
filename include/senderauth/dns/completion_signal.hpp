// A one-shot signal between coroutines on one single-threaded executor: one side co_awaits
// wait(), the other calls notify() when its work is done (before or after the wait began).
//
// The waiter parks its own completion handler and notify() posts it back to the executor.
// (A steady_timer used as a wake-up arms the reactor's timerfd: two system calls per use, a
// measurable cost on hot paths such as an in-memory SPF check.) Not thread-safe, like the rest
// of the library's per-executor state.
#pragma once

#include <asio/any_io_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/awaitable.hpp>
#include <asio/post.hpp>
#include <asio/use_awaitable.hpp>
#include <functional>
#include <memory>
#include <utility>

namespace senderauth::dns {

class CompletionSignal {
 public:
  bool notified() const { return notified_; }

  // Marks the work done and resumes the waiter, if one is parked, from the executor's queue
  // (never from inside the caller's stack).
  void notify(const asio::any_io_executor& executor) {
    notified_ = true;
    if (resume_) {
      asio::post(executor, std::move(resume_));
      resume_ = nullptr;
    }
  }

  // Returns once notify() has been called. One waiter at a time; the signal must outlive the
  // wait (keep it in state the waiting coroutine holds).
  asio::awaitable<void> wait() {
    if (notified_) co_return;
    // A raw pointer in the initiation lambda: with a shared_ptr captured there, ASan saw state
    // freed early (likely GCC 12 destroying a co_await temporary twice).
    CompletionSignal* self = this;
    auto park = [self](auto handler) {
      // std::function needs a copyable target; the handler is move-only.
      auto shared = std::make_shared<decltype(handler)>(std::move(handler));
      self->resume_ = [shared] { std::move (*shared)(); };
    };
    co_await asio::async_initiate<decltype(asio::use_awaitable), void()>(park, asio::use_awaitable);
  }

 private:
  bool notified_ = false;
  std::function<void()> resume_;
};

}  // namespace senderauth::dns
