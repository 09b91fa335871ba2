#include "arc_suite.hpp"

#include "support/line_ends.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "support/conformance.hpp"

namespace senderauth::arc::testing {
namespace {

using senderauth::testing::conformance_path;
using senderauth::testing::conformance_present;
using senderauth::testing::read_file_bytes;

std::string lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

std::string scalar(const YAML::Node& node) {
  return node && node.IsScalar() ? node.as<std::string>() : std::string();
}

std::map<std::string, std::string> txt_records(const YAML::Node& node) {
  std::map<std::string, std::string> records;
  if (!node || !node.IsMap()) return records;
  for (const auto& entry : node) records[entry.first.as<std::string>()] = scalar(entry.second);
  return records;
}

// The project's readings where it departs from the YAML: rfc8617-overrides.json, plus
// ams_fields_h_empty read strictly (see tests/arc/README section in the report).
std::map<std::string, std::pair<std::string, std::string>> overrides() {
  std::map<std::string, std::pair<std::string, std::string>> out;
  auto json =
      nlohmann::json::parse(read_file_bytes(conformance_path("arc/rfc8617-overrides.json")));
  for (const auto& [id, entry] : json.at("cases").items()) {
    out[id] = {entry.at("rfc8617").get<std::string>(), entry.at("reason").get<std::string>()};
  }
  out["ams_fields_h_empty"] = {
      "fail",
      "project reading: an AMS has DKIM's semantics (RFC 8617 4.1.2), and a signature whose h= "
      "does not cover From is a PERMFAIL (RFC 6376 3.5 ABNF, 6.1.1)"};
  return out;
}

}  // namespace

std::string test_name(const std::string& id) {
  std::string out;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    out += ok ? c : '_';
  }
  return out;
}

std::vector<ValidationCase> load_validation_cases() {
  std::vector<ValidationCase> cases;
  if (!conformance_present("arc/arc-draft-validation-tests.yml")) return cases;
  auto fixes = overrides();
  auto docs = YAML::LoadAllFromFile(conformance_path("arc/arc-draft-validation-tests.yml"));
  for (const auto& doc : docs) {
    auto records = txt_records(doc["txt-records"]);
    std::string scenario = scalar(doc["description"]);
    for (const auto& entry : doc["tests"]) {
      ValidationCase c;
      c.id = entry.first.as<std::string>();
      c.scenario = scenario;
      c.message = ::senderauth::testing::to_crlf(scalar(entry.second["message"]));
      std::string cv = scalar(entry.second["cv"]);
      while (!cv.empty() && cv.back() == ' ') cv.pop_back();
      c.suite_cv = lower(cv);
      c.expected = c.suite_cv;
      if (auto it = fixes.find(c.id); it != fixes.end()) {
        c.expected = it->second.first;
        c.why = it->second.second;
      }
      c.txt_records = records;
      // The file repeats four test ids (as_fields_b_head_case, ...); a YAML mapping keeps the
      // last value of a repeated key, as the suite's Python runner sees it.
      auto same = std::find_if(cases.begin(), cases.end(),
                               [&](const ValidationCase& o) { return o.id == c.id; });
      if (same != cases.end()) {
        *same = std::move(c);
      } else {
        cases.push_back(std::move(c));
      }
    }
  }
  return cases;
}

std::vector<SigningCase> load_signing_cases() {
  std::vector<SigningCase> cases;
  if (!conformance_present("arc/arc-draft-sign-tests.yml")) return cases;
  auto docs = YAML::LoadAllFromFile(conformance_path("arc/arc-draft-sign-tests.yml"));
  for (const auto& doc : docs) {
    auto records = txt_records(doc["txt-records"]);
    for (const auto& entry : doc["tests"]) {
      SigningCase c;
      c.id = entry.first.as<std::string>();
      c.scenario = scalar(doc["description"]);
      const YAML::Node& t = entry.second;
      c.message = ::senderauth::testing::to_crlf(scalar(t["message"]));
      c.t = t["t"].as<std::int64_t>();
      std::string headers = scalar(t["sig-headers"]);
      std::size_t start = 0;
      while (start <= headers.size()) {
        auto colon = headers.find(':', start);
        c.sig_headers.push_back(headers.substr(start, colon - start));
        if (colon == std::string::npos) break;
        start = colon + 1;
      }
      c.srv_id = scalar(t["srv-id"]);
      c.domain = scalar(doc["domain"]);
      c.selector = scalar(doc["sel"]);
      c.private_key_pem = scalar(doc["privatekey"]);
      c.as = scalar(t["AS"]);
      c.ams = scalar(t["AMS"]);
      c.aar = scalar(t["AAR"]);
      c.txt_records = records;
      cases.push_back(std::move(c));
    }
  }
  return cases;
}

std::unique_ptr<dns::ZoneResolver> make_zone(const std::map<std::string, std::string>& records) {
  auto zone = std::make_unique<dns::ZoneResolver>();
  for (const auto& [name, value] : records) {
    std::string text;
    for (char c : value) {
      if (c != '\n' && c != '\r') text += c;
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    zone->add_txt(name, {text});
  }
  return zone;
}

}  // namespace senderauth::arc::testing
