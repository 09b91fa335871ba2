// Runs a scope as on a CPU without AVX2, so the SSE2 paths of the run-time dispatched scans
// (the reader's bare-LF scan, relaxed body canonicalisation) are tested on machines with AVX2.
#pragma once

#include "senderauth/core/cpu_features.hpp"

namespace senderauth::testing {

class WithoutAvx2 {
 public:
  // `active` false: nothing changes (lets one loop run a check both ways).
  explicit WithoutAvx2(bool active = true) : active_(active) {
    if (active_) disable_avx2_for_testing(true);
  }
  ~WithoutAvx2() {
    if (active_) disable_avx2_for_testing(false);
  }
  WithoutAvx2(const WithoutAvx2&) = delete;
  WithoutAvx2& operator=(const WithoutAvx2&) = delete;

 private:
  bool active_;
};

}  // namespace senderauth::testing
