// Shared by the DMARC tests: run an evaluation on an in-memory zone, read vector files.
#pragma once

#include <asio/io_context.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "senderauth/dmarc/evaluator.hpp"
#include "senderauth/dns/run_sync.hpp"
#include "senderauth/dns/zone_resolver.hpp"
#include "support/conformance.hpp"

namespace senderauth::dmarc::test {

inline DmarcResult run(dns::Resolver& resolver, const DmarcInput& input,
                       const DmarcOptions& options = {}) {
  asio::io_context io;
  return dns::run_sync(io, evaluate(resolver, input, options));
}

inline DmarcInput from(std::string domain) {
  DmarcInput in;
  in.from_domain = std::move(domain);
  return in;
}

inline DmarcInput with_spf(DmarcInput in, std::string domain, AuthOutcome r = AuthOutcome::pass) {
  in.spf = SpfIdentity{std::move(domain), r};
  return in;
}

inline DmarcInput with_dkim(DmarcInput in, std::string domain, AuthOutcome r = AuthOutcome::pass) {
  in.dkim.push_back(DkimIdentity{std::move(domain), r});
  return in;
}

// The vector file as JSON, or null when the conformance folder is absent.
inline nlohmann::json load_vectors(const std::string& sub) {
  const auto path = senderauth::testing::conformance_path(sub);
  if (!std::filesystem::exists(path)) return nullptr;
  auto j = nlohmann::json::parse(senderauth::testing::read_file_bytes(path), nullptr, false);
  return j.is_discarded() ? nlohmann::json(nullptr) : j;
}

// A gtest-safe name from free text.
inline std::string test_name(std::string text) {
  std::string out;
  for (char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (ok) {
      out.push_back(c);
    } else if (!out.empty() && out.back() != '_') {
      out.push_back('_');
    }
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out.empty() ? "case" : out.substr(0, 60);
}

}  // namespace senderauth::dmarc::test
