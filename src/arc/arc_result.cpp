#include "senderauth/arc/arc_result.hpp"

namespace senderauth::arc {
namespace {

// RFC 5322 comment text: parentheses and backslashes are quoted, controls dropped.
std::string comment(std::string_view text) {
  std::string out = "(";
  for (char c : text) {
    if (c == '(' || c == ')' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) {
      out += c;
    }
  }
  out += ')';
  return out;
}

}  // namespace

std::vector<std::string> ArcResult::sealing_domains() const {
  std::vector<std::string> domains;
  domains.reserve(sets.size());
  for (auto it = sets.rbegin(); it != sets.rend(); ++it) domains.push_back(it->seal_domain);
  return domains;
}

std::string authres_clause(const ArcResult& result, const std::optional<IpAddress>& remote_ip) {
  std::string out = "arc=";
  out += to_string(result.status);
  if (result.status == ChainStatus::none) return out;
  if (result.status == ChainStatus::pass) {
    out += " (i=" + std::to_string(result.instances) + ")";
    out += " header.oldest-pass=" + std::to_string(result.oldest_pass);
  } else if (!result.reason.empty()) {
    out += ' ';
    out += comment(result.reason);
  }
  if (remote_ip) out += " smtp.remote-ip=" + remote_ip->to_string();
  auto domains = result.sealing_domains();
  if (!domains.empty()) {
    out += " arc.chain=";
    for (std::size_t i = 0; i < domains.size(); ++i) {
      if (i > 0) out += ':';
      out += domains[i];
    }
  }
  return out;
}

}  // namespace senderauth::arc
