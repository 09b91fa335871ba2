// Authentication-Results text from the shared DMARC conformance data, read in place:
//  - vectors/authheaders/cases.json: the A-R each authheaders case expects must parse strictly,
//    name the case's authserv-id, and survive format -> parse unchanged;
//  - every Authentication-Results field in the .eml/.message samples (reports from Google,
//    LinkedIn, Microsoft, mail.ru...) must parse leniently.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "senderauth/authres/format.hpp"
#include "senderauth/authres/parser.hpp"
#include "senderauth/core/domain_name.hpp"
#include "support/conformance.hpp"

namespace senderauth::authres {
namespace {

namespace fs = std::filesystem;
using senderauth::testing::conformance_path;
using senderauth::testing::conformance_present;
using senderauth::testing::read_file_bytes;

struct ExpectCase {
  std::string name;
  std::string authserv_id;
  std::string field;  // "Authentication-Results: ..."
};

std::vector<ExpectCase> load_expect_cases() {
  std::vector<ExpectCase> out;
  fs::path path = conformance_path("dmarc/vectors/authheaders/cases.json");
  if (!fs::exists(path)) return out;
  auto json = nlohmann::json::parse(read_file_bytes(path), nullptr, false);
  if (json.is_discarded() || !json.contains("cases")) return out;
  for (const auto& c : json["cases"]) {
    if (!c.contains("expect") || !c["expect"].is_string()) continue;
    out.push_back({c.value("name", "case"), c.value("authserv_id", ""), c["expect"]});
  }
  return out;
}

class AuthheadersExpect : public ::testing::TestWithParam<ExpectCase> {};

TEST_P(AuthheadersExpect, ParsesStrictlyAndRoundTrips) {
  const ExpectCase& c = GetParam();
  const std::string prefix = "Authentication-Results:";
  ASSERT_EQ(c.field.rfind(prefix, 0), 0u);
  auto parsed = parse_authres(c.field.substr(prefix.size()), ParseOptions{.strict = true});
  ASSERT_TRUE(parsed.ok()) << parsed.reason();
  EXPECT_EQ(parsed->authserv_id, c.authserv_id);
  ASSERT_FALSE(parsed->clauses.empty());
  for (const auto& clause : parsed->clauses) {
    EXPECT_TRUE(clause.method == "dkim" || clause.method == "spf" || clause.method == "dmarc")
        << clause.method;
  }
  auto written = format_field(*parsed);
  ASSERT_TRUE(written.ok()) << written.reason();
  auto again = parse_authres(written->substr(prefix.size()), ParseOptions{.strict = true});
  ASSERT_TRUE(again.ok()) << again.reason() << "\n" << *written;
  EXPECT_EQ(*again, *parsed) << *written;
}

std::string case_name(const ::testing::TestParamInfo<ExpectCase>& info) {
  std::string name;
  for (char c : info.param.name) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return name + "_" + std::to_string(info.index);
}

INSTANTIATE_TEST_SUITE_P(Vectors, AuthheadersExpect, ::testing::ValuesIn(load_expect_cases()),
                         case_name);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(AuthheadersExpect);

struct SampleFile {
  std::string relative;
};

// Every line starting "Authentication-Results:" (any case) with its continuation lines.
std::vector<std::string> ar_fields_in(const std::string& text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + pos, end - pos);
    const std::string_view name = "authentication-results:";
    if (line.size() >= name.size() && iequals(line.substr(0, name.size()), name)) {
      std::string value(line.substr(name.size()));
      std::size_t next = end + 1;
      while (next < text.size() && (text[next] == ' ' || text[next] == '\t')) {
        std::size_t e = text.find('\n', next);
        if (e == std::string::npos) e = text.size();
        value += "\r\n" + text.substr(next, e - next);
        next = e + 1;
      }
      if (!value.empty() && value.back() == '\r') value.pop_back();
      out.push_back(value);
      end = next - 1;
    }
    pos = end + 1;
  }
  return out;
}

std::vector<SampleFile> load_samples() {
  std::vector<SampleFile> out;
  fs::path root = conformance_path("dmarc");
  if (!fs::exists(root)) return out;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    auto ext = entry.path().extension().string();
    if (ext != ".eml" && ext.find("message") == std::string::npos) continue;
    if (ar_fields_in(read_file_bytes(entry.path())).empty()) continue;
    out.push_back({fs::relative(entry.path(), root).string()});
  }
  std::sort(out.begin(), out.end(),
            [](const SampleFile& a, const SampleFile& b) { return a.relative < b.relative; });
  return out;
}

class SampleFields : public ::testing::TestWithParam<SampleFile> {};

TEST_P(SampleFields, ParseLeniently) {
  std::string text = read_file_bytes(conformance_path("dmarc/" + GetParam().relative));
  for (const auto& value : ar_fields_in(text)) {
    auto parsed = parse_authres(value);
    EXPECT_TRUE(parsed.ok()) << parsed.reason() << "\n" << value;
  }
}

std::string sample_name(const ::testing::TestParamInfo<SampleFile>& info) {
  std::string name;
  for (char c : info.param.relative) {
    name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  }
  return name.substr(0, 80) + "_" + std::to_string(info.index);
}

INSTANTIATE_TEST_SUITE_P(Samples, SampleFields, ::testing::ValuesIn(load_samples()), sample_name);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(SampleFields);

TEST(AuthresConformance, DataPresent) {
  SENDERAUTH_NEED_CONFORMANCE("dmarc/vectors/authheaders");
  EXPECT_GE(load_expect_cases().size(), 10u);
  EXPECT_GE(load_samples().size(), 5u);
}

}  // namespace
}  // namespace senderauth::authres
