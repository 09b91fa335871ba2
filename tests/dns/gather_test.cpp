#include "senderauth/dns/gather.hpp"

#include <gtest/gtest.h>

#include <asio/io_context.hpp>
#include <stdexcept>
#include <vector>

#include "senderauth/dns/run_sync.hpp"

namespace senderauth::dns {
namespace {

asio::awaitable<int> value(int v) {
  co_return v;
}

asio::awaitable<int> failing() {
  throw std::runtime_error("task failed");
  co_return 0;
}

asio::awaitable<std::vector<int>> gather_of(std::vector<int> values, bool fail_last) {
  std::vector<asio::awaitable<int>> tasks;
  for (int v : values) tasks.push_back(value(v));
  if (fail_last) tasks.push_back(failing());
  co_return co_await gather(std::move(tasks));
}

// One task is awaited directly, several are spawned: both give results in order and pass a
// task's exception on.
TEST(Gather, ResultsInOrderWhateverTheCount) {
  asio::io_context io;
  EXPECT_EQ(run_sync(io, gather_of({}, false)), std::vector<int>{});
  EXPECT_EQ(run_sync(io, gather_of({7}, false)), std::vector<int>{7});
  EXPECT_EQ(run_sync(io, gather_of({1, 2, 3}, false)), (std::vector<int>{1, 2, 3}));
}

TEST(Gather, ATaskExceptionReachesTheCaller) {
  asio::io_context io;
  EXPECT_THROW(run_sync(io, gather_of({}, true)), std::runtime_error);
  EXPECT_THROW(run_sync(io, gather_of({1, 2}, true)), std::runtime_error);
}

}  // namespace
}  // namespace senderauth::dns
