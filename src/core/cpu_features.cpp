#include "senderauth/core/cpu_features.hpp"

#include <atomic>

namespace senderauth {

namespace {
std::atomic<bool> avx2_disabled{false};
}  // namespace

bool cpu_has_avx2() {
#if defined(__x86_64__) && defined(__GNUC__)
  static const bool avx2 = (__builtin_cpu_init(), __builtin_cpu_supports("avx2"));
  return avx2 && !avx2_disabled.load(std::memory_order_relaxed);
#else
  return false;
#endif
}

void disable_avx2_for_testing(bool disabled) {
  avx2_disabled.store(disabled, std::memory_order_relaxed);
}

}  // namespace senderauth
