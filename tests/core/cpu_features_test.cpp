// The run-time CPU check and its test switch.
#include "senderauth/core/cpu_features.hpp"

#include <gtest/gtest.h>

#include "support/without_avx2.hpp"

namespace senderauth {
namespace {

TEST(CpuFeatures, Avx2CanBeTurnedOffForTestsAndBack) {
  const bool real = cpu_has_avx2();
  {
    testing::WithoutAvx2 off;
    EXPECT_FALSE(cpu_has_avx2());
  }
  EXPECT_EQ(cpu_has_avx2(), real);
  {
    testing::WithoutAvx2 inactive(false);
    EXPECT_EQ(cpu_has_avx2(), real);
  }
}

}  // namespace
}  // namespace senderauth
