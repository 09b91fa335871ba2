// ValiMail's ARC validation suite: every case is its own test (arc_tests
// "ArcValidationSuite/<id>"). Expectations are the YAML's, except the RFC 8617 overrides and the
// project's strict reading of ams_fields_h_empty (arc_suite.cpp).
#include <gtest/gtest.h>

#include <asio/io_context.hpp>

#include "arc_suite.hpp"
#include "senderauth/arc/verifier.hpp"
#include "senderauth/dns/run_sync.hpp"
#include "support/conformance.hpp"

namespace senderauth::arc {
namespace {

using testing::ValidationCase;

const std::vector<ValidationCase>& all_cases() {
  static const std::vector<ValidationCase> cases = testing::load_validation_cases();
  return cases;
}

// An empty expectation is how the suite writes "the chain has ended" (dkimpy's None); the
// overrides turn all three of those into fail, so any empty left would be a surprise.
std::string reported(ChainStatus status) {
  return std::string(to_string(status));
}

}  // namespace
}  // namespace senderauth::arc

namespace senderauth::arc::testing {
// gtest prints the case id instead of the object's bytes.
inline void PrintTo(const ValidationCase& c, std::ostream* os) {
  *os << c.id;
}
}  // namespace senderauth::arc::testing

namespace senderauth::arc {
namespace {

class ArcValidationSuite : public ::testing::TestWithParam<ValidationCase> {};

TEST_P(ArcValidationSuite, ChainValidationStatus) {
  const ValidationCase& c = GetParam();
  auto zone = testing::make_zone(c.txt_records);
  asio::io_context io;
  VerifyOptions options;
  options.now = 1700000000;
  ArcResult result = dns::run_sync(io, verify_arc(c.message, *zone, options));
  EXPECT_EQ(reported(result.status), c.expected)
      << c.scenario << " / " << c.id << "\nreason: " << result.reason
      << (c.why.empty() ? "" : "\noverride: " + c.why);
}

INSTANTIATE_TEST_SUITE_P(Suite, ArcValidationSuite, ::testing::ValuesIn(all_cases()),
                         [](const auto& info) { return testing::test_name(info.param.id); });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(ArcValidationSuite);

TEST(ArcValidationSuitePresence, AllCasesLoaded) {
  SENDERAUTH_NEED_CONFORMANCE("arc/arc-draft-validation-tests.yml");
  EXPECT_EQ(all_cases().size(), 171u);
  int overridden = 0;
  for (const auto& c : all_cases()) {
    if (!c.why.empty()) ++overridden;
  }
  EXPECT_EQ(overridden, 5);  // 4 from rfc8617-overrides.json + ams_fields_h_empty
}

}  // namespace
}  // namespace senderauth::arc
