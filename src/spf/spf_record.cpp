#include "senderauth/spf/spf_record.hpp"

#include <array>
#include <string>

#include "senderauth/core/domain_name.hpp"
#include "senderauth/spf/spf_macro.hpp"
#include "spf_syntax.hpp"

namespace senderauth::spf {

namespace {

using detail::is_alnum;
using detail::is_alpha;
using detail::parse_cidr_digits;
using detail::validate_domain_spec;

constexpr std::string_view kVersion = "v=spf1";

struct MechanismName {
  std::string_view name;
  MechanismKind kind;
};
constexpr std::array<MechanismName, 8> kMechanisms = {{
    {"all", MechanismKind::all},
    {"include", MechanismKind::include},
    {"a", MechanismKind::a},
    {"mx", MechanismKind::mx},
    {"ptr", MechanismKind::ptr},
    {"ip4", MechanismKind::ip4},
    {"ip6", MechanismKind::ip6},
    {"exists", MechanismKind::exists},
}};

Error term_error(std::string_view term, std::string_view what) {
  return make_error("invalid term \"" + std::string(term) + "\": " + std::string(what));
}

// name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ), followed by "=": a modifier (6).
std::size_t modifier_name_length(std::string_view term) {
  if (term.empty() || !is_alpha(term.front())) return 0;
  std::size_t i = 1;
  while (i < term.size() &&
         (is_alnum(term[i]) || term[i] == '-' || term[i] == '_' || term[i] == '.')) {
    ++i;
  }
  return (i < term.size() && term[i] == '=') ? i : 0;
}

// Splits a trailing dual-cidr-length ("/N", "//N" or "/N//M") off `spec`.
Result<void> take_dual_cidr(std::string_view& spec, Mechanism& mech, std::string_view term) {
  auto take_one = [&](bool& found_v6, bool& found_v4) -> Result<void> {
    auto slash = spec.rfind('/');
    if (slash == std::string_view::npos) return {};
    std::string_view digits = spec.substr(slash + 1);
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos) {
      return {};  // not a length: part of the domain-spec, judged there
    }
    bool v6 = slash > 0 && spec[slash - 1] == '/';
    if (v6) {
      if (found_v6 || found_v4) return term_error(term, "misplaced CIDR length");
      auto len = parse_cidr_digits(digits, 128);
      if (!len) return term_error(term, "invalid IPv6 CIDR length");
      mech.cidr6 = *len;
      spec = spec.substr(0, slash - 1);
      found_v6 = true;
    } else {
      if (found_v4) return term_error(term, "misplaced CIDR length");
      auto len = parse_cidr_digits(digits, 32);
      if (!len) return term_error(term, "invalid IPv4 CIDR length");
      mech.cidr4 = *len;
      spec = spec.substr(0, slash);
      found_v4 = true;
    }
    return {};
  };
  bool found_v6 = false;
  bool found_v4 = false;
  if (auto r = take_one(found_v6, found_v4); !r) return r;
  if (found_v6) {
    if (auto r = take_one(found_v6, found_v4); !r) return r;
  }
  return {};
}

Result<void> parse_ip_network(std::string_view arg, Mechanism& mech, std::string_view term) {
  const bool v4 = mech.kind == MechanismKind::ip4;
  std::string_view address = arg;
  auto slash = arg.find('/');
  if (slash != std::string_view::npos) {
    address = arg.substr(0, slash);
    auto len = parse_cidr_digits(arg.substr(slash + 1), v4 ? 32 : 128);
    if (!len) return term_error(term, "invalid CIDR length");
    (v4 ? mech.cidr4 : mech.cidr6) = *len;
  }
  auto ip = IpAddress::parse(address);
  if (!ip || ip->is_v4() != v4) {
    return term_error(term, v4 ? "invalid IPv4 network" : "invalid IPv6 network");
  }
  mech.network = *ip;
  return {};
}

Result<Mechanism> parse_mechanism(std::string_view term) {
  Mechanism mech;
  mech.text = std::string(term);
  std::string_view rest = term;
  switch (rest.front()) {
    case '+':
      mech.qualifier = Qualifier::pass;
      rest.remove_prefix(1);
      break;
    case '-':
      mech.qualifier = Qualifier::fail;
      rest.remove_prefix(1);
      break;
    case '~':
      mech.qualifier = Qualifier::softfail;
      rest.remove_prefix(1);
      break;
    case '?':
      mech.qualifier = Qualifier::neutral;
      rest.remove_prefix(1);
      break;
    default:
      break;
  }
  std::size_t name_end = 0;
  while (name_end < rest.size() && is_alnum(rest[name_end])) ++name_end;
  std::string_view name = rest.substr(0, name_end);
  std::string_view args = rest.substr(name_end);
  bool known = false;
  for (const auto& m : kMechanisms) {
    if (iequals(name, m.name)) {
      mech.kind = m.kind;
      known = true;
      break;
    }
  }
  if (!known) return term_error(term, "unknown mechanism");
  if (!args.empty() && args.front() != ':' && args.front() != '/') {
    return term_error(term, "unknown mechanism");
  }

  const bool has_colon = !args.empty() && args.front() == ':';
  std::string_view spec = has_colon ? args.substr(1) : std::string_view{};
  switch (mech.kind) {
    case MechanismKind::all:
      if (!args.empty()) return term_error(term, "\"all\" takes no argument");
      break;
    case MechanismKind::include:
    case MechanismKind::exists:
      if (!has_colon) return term_error(term, "a domain-spec is required");
      if (auto v = validate_domain_spec(spec); !v) return term_error(term, v.reason());
      mech.domain_spec = std::string(spec);
      break;
    case MechanismKind::ptr:
      if (!args.empty() && !has_colon) return term_error(term, "\"ptr\" takes no CIDR length");
      if (has_colon) {
        if (auto v = validate_domain_spec(spec); !v) return term_error(term, v.reason());
        mech.domain_spec = std::string(spec);
      }
      break;
    case MechanismKind::a:
    case MechanismKind::mx: {
      std::string_view tail = has_colon ? spec : args;
      if (auto r = take_dual_cidr(tail, mech, term); !r) return r.error();
      if (has_colon) {
        if (auto v = validate_domain_spec(tail); !v) return term_error(term, v.reason());
        mech.domain_spec = std::string(tail);
      } else if (!tail.empty()) {
        return term_error(term, "invalid CIDR length");
      }
      break;
    }
    case MechanismKind::ip4:
    case MechanismKind::ip6:
      if (!has_colon || spec.empty()) return term_error(term, "a network is required");
      if (auto r = parse_ip_network(spec, mech, term); !r) return r.error();
      break;
  }
  mech.has_macros = mech.domain_spec.find('%') != std::string::npos;
  return mech;
}

}  // namespace

std::string_view to_string(MechanismKind kind) {
  for (const auto& m : kMechanisms) {
    if (m.kind == kind) return m.name;
  }
  return "?";
}

SpfVerdict verdict_of(Qualifier qualifier) {
  switch (qualifier) {
    case Qualifier::pass:
      return SpfVerdict::pass;
    case Qualifier::fail:
      return SpfVerdict::fail;
    case Qualifier::softfail:
      return SpfVerdict::softfail;
    case Qualifier::neutral:
      return SpfVerdict::neutral;
  }
  return SpfVerdict::neutral;
}

bool Mechanism::queries_dns() const {
  switch (kind) {
    case MechanismKind::include:
    case MechanismKind::a:
    case MechanismKind::mx:
    case MechanismKind::ptr:
    case MechanismKind::exists:
      return true;
    default:
      return false;
  }
}

bool is_spf_record(std::string_view text) {
  if (text.size() < kVersion.size() || !iequals(text.substr(0, kVersion.size()), kVersion)) {
    return false;
  }
  return text.size() == kVersion.size() || text[kVersion.size()] == ' ';
}

Result<SpfRecord> SpfRecord::parse(std::string_view text) {
  if (!is_spf_record(text)) return make_error("not an SPF record (no \"v=spf1\")");
  if (text.size() > kMaxRecordLength) {
    return make_error("record longer than " + std::to_string(kMaxRecordLength) + " octets");
  }
  for (unsigned char c : text) {
    if (c < 0x20 || c > 0x7e) {
      return make_error(c >= 0x80 ? "record contains a non-ASCII octet"
                                  : "record contains a control character");
    }
  }
  SpfRecord record;
  std::size_t terms = 0;
  std::string_view rest = text.substr(kVersion.size());
  while (!rest.empty()) {
    auto start = rest.find_first_not_of(' ');
    if (start == std::string_view::npos) break;
    rest.remove_prefix(start);
    auto end = rest.find(' ');
    std::string_view term = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
    if (++terms > kMaxTerms)
      return make_error("record has more than " + std::to_string(kMaxTerms) + " terms");

    if (std::size_t name_len = modifier_name_length(term); name_len > 0) {
      std::string_view name = term.substr(0, name_len);
      std::string_view value = term.substr(name_len + 1);
      if (iequals(name, "redirect") || iequals(name, "exp")) {
        auto& slot = iequals(name, "redirect") ? record.redirect : record.exp;
        if (slot) return term_error(term, "modifier given twice");
        if (auto v = validate_domain_spec(value); !v) return term_error(term, v.reason());
        slot = std::string(value);
      } else {
        if (auto v = validate_macro_string(value, MacroUse::domain_spec); !v) {
          return term_error(term, v.reason());
        }
        record.unknown_modifiers.push_back({std::string(name), std::string(value)});
      }
      continue;
    }
    auto mech = parse_mechanism(term);
    if (!mech) return mech.error();
    record.mechanisms.push_back(std::move(*mech));
  }
  return record;
}

}  // namespace senderauth::spf
