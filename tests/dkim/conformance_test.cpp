// Every case of ../shared/conformance/dkim/cases.json as its own test, graded as its SOURCE.md
// says: pass / fail / temperror exactly; notpass = any permanent non-pass (fail, neutral,
// policy, permerror); !pass = anything but pass. RFC 6376 + RFC 8301 + RFC 8463 rules.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "support/conformance.hpp"
#include "test_support.hpp"

namespace senderauth::dkim {
namespace {

using senderauth::testing::conformance_path;
using senderauth::testing::conformance_present;
using senderauth::testing::read_file_bytes;

struct Case {
  std::string id;
  std::string message;
  std::string dns;
  std::int64_t now = 0;
  std::vector<std::string> expect;
};

std::vector<Case> load_cases() {
  std::vector<Case> cases;
  if (!conformance_present("dkim/cases.json")) return cases;
  std::ifstream in(conformance_path("dkim/cases.json"));
  auto doc = nlohmann::json::parse(in, nullptr, false);
  if (doc.is_discarded()) return cases;
  for (const auto& c : doc["cases"]) {
    Case x;
    x.id = c["id"].get<std::string>();
    x.message = c["message"].get<std::string>();
    x.dns = c.value("dns", "");
    x.now = c.value("now", std::int64_t{0});
    for (const auto& e : c["expect"]) x.expect.push_back(e.get<std::string>());
    cases.push_back(std::move(x));
  }
  return cases;
}

void PrintTo(const Case& c, std::ostream* os) {
  *os << c.id;
}

bool graded_ok(const std::string& expect, DkimStatus got) {
  if (expect == "pass") return got == DkimStatus::pass;
  if (expect == "fail") return got == DkimStatus::fail;
  if (expect == "temperror") return got == DkimStatus::temperror;
  if (expect == "notpass") {
    return got == DkimStatus::fail || got == DkimStatus::neutral || got == DkimStatus::policy ||
           got == DkimStatus::permerror;
  }
  if (expect == "!pass") return got != DkimStatus::pass && got != DkimStatus::none;
  return false;
}

class DkimConformance : public ::testing::TestWithParam<Case> {};

TEST_P(DkimConformance, ExpectedResultPerSignature) {
  const Case& c = GetParam();
  dns::ZoneResolver zone;
  if (!c.dns.empty()) {
    auto loaded = zone.load_file(conformance_path("dkim/" + c.dns).string());
    ASSERT_TRUE(loaded.ok()) << c.dns << ": " << loaded.reason();
  }
  VerifyOptions options;
  options.now = c.now;
  auto results =
      test::verify(read_file_bytes(conformance_path("dkim/" + c.message)), zone, options);
  ASSERT_EQ(results.size(), c.expect.size()) << c.message;
  for (std::size_t i = 0; i < results.size(); ++i) {
    EXPECT_TRUE(graded_ok(c.expect[i], results[i].status))
        << "signature " << i << ": expected " << c.expect[i] << ", got "
        << to_string(results[i].status) << " (" << results[i].reason << ")";
  }
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  std::string name;
  for (char ch : info.param.id) {
    name.push_back(std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_');
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Cases, DkimConformance, ::testing::ValuesIn(load_cases()), case_name);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(DkimConformance);

TEST(DkimConformanceSuite, Present) {
  SENDERAUTH_NEED_CONFORMANCE("dkim/cases.json");
  EXPECT_EQ(load_cases().size(), 154u);
}

}  // namespace
}  // namespace senderauth::dkim
