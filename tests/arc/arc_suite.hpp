// Loading ../shared/conformance/arc (ValiMail's YAML suite, see its SOURCE.md) for the tests:
// LF turned into CRLF, txt-records into an in-memory zone, the RFC 8617 overrides applied.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "senderauth/dns/zone_resolver.hpp"

namespace senderauth::arc::testing {

struct ValidationCase {
  std::string id;
  std::string scenario;
  std::string message;   // CRLF
  std::string suite_cv;  // as the YAML says, lower-case ("" when empty)
  std::string expected;  // what this project must report: suite_cv unless overridden
  std::string why;       // the override's reason, empty when none
  std::map<std::string, std::string> txt_records;
};

struct SigningCase {
  std::string id;
  std::string scenario;
  std::string message;  // CRLF
  std::int64_t t = 0;
  std::vector<std::string> sig_headers;
  std::string srv_id;
  std::string domain, selector, private_key_pem;
  std::string as, ams, aar;  // expected field values; empty: no set expected
  std::map<std::string, std::string> txt_records;
};

// Empty when the suite is absent. Never throws for a present suite (a broken file aborts).
std::vector<ValidationCase> load_validation_cases();
std::vector<SigningCase> load_signing_cases();

// A zone holding the records (whitespace inside values removed, as SOURCE.md says).
std::unique_ptr<dns::ZoneResolver> make_zone(const std::map<std::string, std::string>& records);

// Test names: letters, digits and underscores only.
std::string test_name(const std::string& id);

}  // namespace senderauth::arc::testing
