// Per-signature verification results (RFC 6376 6.1, RFC 8601 2.7.1) and their A-R text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace senderauth::dkim {

enum class DkimStatus : std::uint8_t { none, pass, fail, neutral, policy, temperror, permerror };

// "none", "pass", ... as RFC 8601 spells them.
std::string_view to_string(DkimStatus status);

struct DkimResult {
  DkimStatus status = DkimStatus::none;
  std::string reason;          // human words: why not pass, or what passed
  std::string domain;          // d=
  std::string identity;        // i= (or "@" + d=)
  std::string selector;        // s=
  std::string algorithm;       // a= as written
  std::string signature_text;  // b= without whitespace
  std::string header_b;        // b= prefix unique among the message's signatures (>= 8 chars)
  bool testing = false;        // the key has t=y
};

// Fills header_b of every result: the shortest prefix of b= (at least 8 characters) that no
// other signature of the same message with a different b= shares.
void assign_unique_b_prefixes(std::vector<DkimResult>& results);

// The "dkim=" clause of Authentication-Results: pipeline::dkim_clause().

}  // namespace senderauth::dkim
