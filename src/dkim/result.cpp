#include "senderauth/dkim/result.hpp"

#include <algorithm>

namespace senderauth::dkim {

std::string_view to_string(DkimStatus status) {
  switch (status) {
    case DkimStatus::none:
      return "none";
    case DkimStatus::pass:
      return "pass";
    case DkimStatus::fail:
      return "fail";
    case DkimStatus::neutral:
      return "neutral";
    case DkimStatus::policy:
      return "policy";
    case DkimStatus::temperror:
      return "temperror";
    case DkimStatus::permerror:
      return "permerror";
  }
  return "?";
}

void assign_unique_b_prefixes(std::vector<DkimResult>& results) {
  constexpr std::size_t kMinimum = 8;
  for (auto& r : results) {
    std::size_t need = std::min(kMinimum, r.signature_text.size());
    for (const auto& other : results) {
      if (&other == &r || other.signature_text == r.signature_text) continue;
      std::size_t common = 0;
      while (common < r.signature_text.size() && common < other.signature_text.size() &&
             r.signature_text[common] == other.signature_text[common]) {
        ++common;
      }
      need = std::max(need, std::min(common + 1, r.signature_text.size()));
    }
    r.header_b = r.signature_text.substr(0, need);
  }
}

namespace {

// RFC 8601 values are tokens (RFC 2045) or quoted strings; "@" is allowed in the
// address-like forms header.i uses.
std::string ar_value(std::string_view value) {
  bool needs_quotes = value.empty();
  for (char c : value) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 32 || u >= 127 ||
        std::string_view("()<>,;:\\\"/[]?=").find(c) != std::string_view::npos) {
      needs_quotes = true;
    }
  }
  if (!needs_quotes) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string ar_comment(std::string_view text) {
  std::string out = "(";
  for (char c : text) {
    if (c == '(' || c == ')' || c == '\\') out.push_back('\\');
    if (c == '\r' || c == '\n') c = ' ';
    out.push_back(c);
  }
  out.push_back(')');
  return out;
}

}  // namespace

std::string ar_clause(const DkimResult& r) {
  std::string out = "dkim=" + std::string(to_string(r.status));
  if (!r.reason.empty()) out += " " + ar_comment(r.reason);
  if (!r.domain.empty()) out += " header.d=" + ar_value(r.domain);
  if (!r.identity.empty()) out += " header.i=" + ar_value(r.identity);
  if (!r.selector.empty()) out += " header.s=" + ar_value(r.selector);
  if (!r.algorithm.empty()) out += " header.a=" + ar_value(r.algorithm);
  std::string_view b = r.header_b.empty() ? std::string_view(r.signature_text) : r.header_b;
  if (!b.empty()) out += " header.b=" + ar_value(b);
  return out;
}

}  // namespace senderauth::dkim
