#include "senderauth/spf/spf_identity.hpp"

#include "senderauth/core/idna.hpp"

namespace senderauth::spf {

namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// RFC 8616 4: a domain in U-labels (an SMTPUTF8 envelope) is checked as its A-labels; an
// ASCII one as it is (trailing dot kept: the caller decides about it).
Result<std::string> in_a_labels(std::string_view domain) {
  if (is_ascii(domain)) return std::string(domain);
  return domain_to_a_labels(domain);
}

SpfIdentityTarget target_for(std::string_view local, std::string_view domain,
                             std::string_view what) {
  SpfIdentityTarget t;
  t.local_part = local.empty() ? "postmaster" : std::string(local);
  auto ascii = in_a_labels(domain);
  if (!ascii) {
    t.domain = std::string(domain);
    t.sender = t.local_part + "@" + t.domain;
    t.why_not = std::string(what) + " \"" + std::string(domain) + "\" is " + ascii.reason();
    return t;
  }
  t.domain = std::move(*ascii);
  // Checked before the trailing dot goes: is_checkable_domain() allows one, and only one (4.3).
  t.checkable = is_checkable_domain(t.domain);
  if (!t.domain.empty() && t.domain.back() == '.') t.domain.pop_back();
  t.sender = t.local_part + "@" + t.domain;
  if (!t.checkable) {
    t.why_not =
        std::string(what) + " \"" + std::string(domain) + "\" is not a fully qualified domain name";
  }
  return t;
}

}  // namespace

bool is_checkable_domain(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  if (name.empty() || name.size() > 253 || name.front() == '[') return false;
  std::size_t labels = 0;
  std::size_t label_length = 0;
  for (char c : name) {
    auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7f) return false;
    if (c == '.') {
      if (label_length == 0) return false;
      ++labels;
      label_length = 0;
    } else if (++label_length > 63) {
      return false;
    }
  }
  if (label_length == 0) return false;
  return labels + 1 >= 2;
}

SpfIdentityTarget mailfrom_identity(std::string_view mail_from, std::string_view helo) {
  mail_from = trim(mail_from);
  if (mail_from.size() >= 2 && mail_from.front() == '<' && mail_from.back() == '>') {
    mail_from = trim(mail_from.substr(1, mail_from.size() - 2));
  }
  if (mail_from.empty()) return target_for("postmaster", trim(helo), "HELO name");
  auto at = mail_from.rfind('@');
  if (at == std::string_view::npos) return target_for("postmaster", mail_from, "MAIL FROM domain");
  return target_for(mail_from.substr(0, at), mail_from.substr(at + 1), "MAIL FROM domain");
}

SpfIdentityTarget helo_identity(std::string_view helo) {
  return target_for("postmaster", trim(helo), "HELO name");
}

std::string helo_domain(std::string_view helo) {
  // The conversion helo_identity() checks, without building its sender and reason strings:
  // every Received-SPF field asks for it.
  helo = trim(helo);
  auto ascii = in_a_labels(helo);
  if (!ascii) return std::string(helo);
  std::string domain = std::move(*ascii);
  if (!domain.empty() && domain.back() == '.') domain.pop_back();
  return domain;
}

}  // namespace senderauth::spf
