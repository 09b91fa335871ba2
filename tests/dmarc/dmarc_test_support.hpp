// Shared by the DMARC tests: run an evaluation on an in-memory zone, read vector files.
#pragma once

#include <asio/io_context.hpp>
#include <nlohmann/json.hpp>
#include <optional>
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

// The word following `key` at or after `from` (up to a space, ';' or '('), and where it ended;
// nothing when `key` does not occur. (std::regex trips GCC 12 warnings under -O1.)
inline std::optional<std::string> word_after(const std::string& text, const std::string& key,
                                             std::size_t from = 0, std::size_t* end = nullptr) {
  const std::size_t at = text.find(key, from);
  if (at == std::string::npos) return std::nullopt;
  std::size_t stop = at + key.size();
  while (stop < text.size() && text[stop] != ' ' && text[stop] != ';' && text[stop] != '(') {
    ++stop;
  }
  if (end != nullptr) *end = stop;
  return text.substr(at + key.size(), stop - at - key.size());
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
