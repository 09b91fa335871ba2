// JSON pieces shared by the subcommands that print results.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "senderauth/spf/spf_result.hpp"

namespace senderauth::cli {

// null for an empty text: "no value" rather than an empty string in the output.
inline nlohmann::json text_or_null(const std::string& text) {
  return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text);
}

// The keys every SPF result prints, in `spf --json` and in `check --json`'s spf objects.
inline nlohmann::json spf_result_json(const spf::SpfResult& r) {
  return {{"result", spf::to_string(r.verdict)},
          {"domain", r.domain},
          {"sender", r.sender},
          {"mechanism", text_or_null(r.mechanism)},
          {"explanation", text_or_null(r.explanation)},
          {"problem", text_or_null(r.problem)},
          {"dns_lookups", r.dns_lookups},
          {"void_lookups", r.void_lookups}};
}

}  // namespace senderauth::cli
