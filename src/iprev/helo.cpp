#include "senderauth/iprev/helo.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <utility>

#include "senderauth/core/domain_name.hpp"
#include "senderauth/core/idna.hpp"
#include "senderauth/dns/shared_answer.hpp"

namespace senderauth::iprev {

std::string_view to_string(HeloSyntax syntax) {
  switch (syntax) {
    case HeloSyntax::fqdn:
      return "fqdn";
    case HeloSyntax::single_label:
      return "single-label";
    case HeloSyntax::address_literal:
      return "address-literal";
    case HeloSyntax::invalid:
      return "invalid";
  }
  return "invalid";
}

std::string_view to_string(HeloAddressMatch match) {
  switch (match) {
    case HeloAddressMatch::not_checked:
      return "not-checked";
    case HeloAddressMatch::match:
      return "match";
    case HeloAddressMatch::mismatch:
      return "mismatch";
    case HeloAddressMatch::no_address:
      return "no-address";
    case HeloAddressMatch::temperror:
      return "temperror";
  }
  return "not-checked";
}

namespace {

// One Snum (RFC 5321 4.1.3): 1*3DIGIT of value 0-255, leading zeros allowed. Consumes it.
std::optional<std::uint8_t> take_snum(std::string_view& text) {
  unsigned value = 0;
  std::size_t digits = 0;
  while (digits < text.size() && digits < 3 && text[digits] >= '0' && text[digits] <= '9') {
    value = value * 10 + static_cast<unsigned>(text[digits] - '0');
    ++digits;
  }
  if (digits == 0 || value > 255) return std::nullopt;
  text.remove_prefix(digits);
  return static_cast<std::uint8_t>(value);
}

// IPv4-address-literal = Snum 3("." Snum): unlike IpAddress::parse, it allows leading zeros
// ("192.000.002.001"), which a client may send and which must not escape the loop check.
std::optional<IpAddress> parse_ipv4_literal(std::string_view text) {
  std::array<std::uint8_t, 4> octets{};
  for (std::size_t i = 0; i < octets.size(); ++i) {
    if (i > 0) {
      if (text.empty() || text.front() != '.') return std::nullopt;
      text.remove_prefix(1);
    }
    const auto octet = take_snum(text);
    if (!octet) return std::nullopt;
    octets[i] = *octet;
  }
  if (!text.empty()) return std::nullopt;
  return IpAddress::v4(octets);
}

// An address sent without the brackets: IPv4 as in a literal, or IPv6.
std::optional<IpAddress> parse_bare_address(std::string_view text) {
  if (auto v4 = parse_ipv4_literal(text)) return v4;
  if (auto ip = IpAddress::parse(text)) return *ip;
  return std::nullopt;
}

// "[192.0.2.1]" or "[IPv6:2001:db8::1]" (RFC 5321 4.1.3); the tag is case-insensitive.
void examine_literal(std::string_view helo, HeloResult& out) {
  if (helo.size() < 3 || helo.back() != ']') {
    out.problem = "address literal without closing ']'";
    return;
  }
  std::string_view inside = helo.substr(1, helo.size() - 2);
  constexpr std::string_view kTag = "IPv6:";
  if (inside.size() > kTag.size() && iequals(inside.substr(0, kTag.size()), kTag)) {
    auto ip = IpAddress::parse(inside.substr(kTag.size()));
    if (!ip || !ip->is_v6()) {
      out.problem = "not an IPv6 address after \"IPv6:\"";
      return;
    }
    out.literal = *ip;
  } else {
    auto ip = parse_ipv4_literal(inside);
    if (!ip) {
      if (auto v6 = IpAddress::parse(inside); v6 && v6->is_v6()) {
        // Without its tag ("[2001:db8::25]", "[::1]") it is invalid, but it names that address:
        // kept for the loop check, as an address sent without brackets is.
        out.literal = *v6;
        out.problem =
            "an IPv6 address literal needs the \"IPv6:\" tag, e.g. [IPv6:" + v6->to_string() + "]";
        return;
      }
      out.problem = inside.find(':') != std::string_view::npos
                        ? "address literal with an unknown tag (only IPv6: is defined)"
                        : "not an IPv4 address literal";
      return;
    }
    out.literal = *ip;
  }
  out.syntax = HeloSyntax::address_literal;
}

void examine_syntax(std::string_view helo, HeloResult& out) {
  if (helo.empty()) {
    out.problem = "empty";
    return;
  }
  if (helo.size() > kMaxHeloLength) {
    out.problem = "longer than " + std::to_string(kMaxHeloLength) + " octets";
    return;
  }
  if (helo.front() == '[') {
    examine_literal(helo, out);
    return;
  }
  if (auto bare = parse_bare_address(helo)) {
    // Kept for the loop and address checks; RFC 5321 wants brackets.
    out.literal = *bare;
    out.problem = "an address must be written as a literal, e.g. [" + bare->to_string() + "]";
    return;
  }
  // RFC 6531 3.3 lets an SMTPUTF8 client name itself in U-labels; checked, looked up and
  // compared as its A-labels (RFC 8616 4), as SPF's HELO identity is.
  std::string ascii;
  if (!is_ascii(helo)) {
    auto converted = domain_to_a_labels(helo);
    if (!converted) {
      out.problem = "not a domain name: " + converted.reason();
      return;
    }
    ascii = std::move(*converted);
    helo = ascii;
  }
  auto name = parse_domain(helo, DomainSyntax{.allow_underscore = false, .ldh_only = true});
  if (!name) {
    out.problem = "not a domain name: " + name.reason();
    return;
  }
  out.name = std::move(*name);
  out.syntax =
      out.name.find('.') == std::string::npos ? HeloSyntax::single_label : HeloSyntax::fqdn;
}

// `name` (a HELO as A-labels) is `own`, one of our names in A-labels or U-labels.
bool is_own_name(std::string_view name, std::string_view own) {
  if (is_ascii(own)) return domain_equal(name, own);
  auto converted = domain_to_a_labels(own);
  return converted && domain_equal(name, *converted);
}

void detect_loop(const IpAddress& client, const HeloOptions& options, HeloResult& out) {
  if (options.loopback_client_is_us && client.unmapped().is_loopback()) return;
  if (!out.name.empty()) {
    for (const auto& own : options.own_names) {
      if (is_own_name(out.name, own)) {
        out.loop = true;
        out.loop_reason = "HELO " + out.name + " is our own name";
        return;
      }
    }
    if (out.name == "localhost" || domain_is_subdomain_of(out.name, "localhost")) {
      out.loop = true;
      out.loop_reason = "HELO " + out.name + " from a remote client";
      return;
    }
  }
  if (out.literal) {
    IpAddress ip = out.literal->unmapped();
    for (const auto& own : options.own_addresses) {
      if (own.unmapped() == ip) {
        out.loop = true;
        out.loop_reason = "HELO names our own address " + ip.to_string();
        return;
      }
    }
    if (ip.is_loopback()) {
      out.loop = true;
      out.loop_reason = "HELO names loopback address " + ip.to_string() + " from a remote client";
    }
  }
}

bool has_address(const std::vector<IpAddress>& addresses, const IpAddress& ip) {
  return std::any_of(addresses.begin(), addresses.end(),
                     [&](const IpAddress& a) { return a.unmapped() == ip; });
}

asio::awaitable<HeloResult> run_check(dns::Resolver& resolver, std::string helo, IpAddress client,
                                      HeloOptions options) {
  HeloResult out = examine_helo(helo, client, options);
  const IpAddress ip = client.unmapped();
  if (out.loop) co_return out;
  if (out.syntax == HeloSyntax::address_literal) {
    out.match =
        out.literal->unmapped() == ip ? HeloAddressMatch::match : HeloAddressMatch::mismatch;
    co_return out;
  }
  if (out.syntax != HeloSyntax::fqdn || !options.resolve) co_return out;

  // Built step by step: GCC 12 cannot take a braced list in a coroutine's co_await operand.
  std::vector<dns::Question> questions(2);
  questions[0] = {out.name, dns::RecordType::A};
  questions[1] = {out.name, dns::RecordType::AAAA};
  const auto answers = co_await dns::lookup_all(resolver, std::move(questions));
  out.dns_queries = 2;
  for (const auto& answer : answers) {
    if (!answer->ok()) continue;
    for (const auto& a : answer->addresses) {
      if (!has_address(out.addresses, a.unmapped())) out.addresses.push_back(a.unmapped());
    }
  }
  const dns::Answer& same_family = ip.is_v4() ? *answers[0] : *answers[1];
  if (has_address(out.addresses, ip)) {
    out.match = HeloAddressMatch::match;
  } else if (same_family.temporary_failure()) {
    out.match = HeloAddressMatch::temperror;  // the answer that could have matched is missing
  } else if (!out.addresses.empty()) {
    out.match = HeloAddressMatch::mismatch;
  } else if (answers[0]->temporary_failure() || answers[1]->temporary_failure()) {
    out.match = HeloAddressMatch::temperror;
  } else {
    out.match = HeloAddressMatch::no_address;
  }
  co_return out;
}

}  // namespace

HeloResult examine_helo(std::string_view helo, const IpAddress& client,
                        const HeloOptions& options) {
  HeloResult out;
  out.helo = std::string(helo.substr(0, kMaxHeloLength + 1));
  examine_syntax(helo, out);
  detect_loop(client, options, out);
  return out;
}

asio::awaitable<HeloResult> check_helo(dns::Resolver& resolver, std::string_view helo,
                                       const IpAddress& client, const HeloOptions& options) {
  return run_check(resolver, std::string(helo), client, options);
}

std::string HeloResult::summary() const {
  std::string out = "helo=" + helo.substr(0, 80) + ": ";
  out += to_string(syntax);
  if (syntax == HeloSyntax::invalid) out += " (" + problem + ")";
  if (loop) out += ", loop: " + loop_reason;
  switch (loop ? HeloAddressMatch::not_checked : match) {
    case HeloAddressMatch::not_checked:
      break;
    case HeloAddressMatch::match:
      out += ", matches the client address";
      break;
    case HeloAddressMatch::mismatch:
      out += ", does not match the client address";
      break;
    case HeloAddressMatch::no_address:
      out += ", has no address records";
      break;
    case HeloAddressMatch::temperror:
      out += ", address lookup failed temporarily";
      break;
  }
  // The HELO (and reasons quoting it) came from the client: no control bytes reach a log line.
  for (char& c : out) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f) c = '?';
  }
  return out;
}

}  // namespace senderauth::iprev
