// IPv4 and IPv6 addresses, CIDR matching, reverse-DNS names.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "senderauth/core/result.hpp"

namespace senderauth {

class IpAddress {
 public:
  enum class Family : std::uint8_t { v4, v6 };

  IpAddress() = default;  // 0.0.0.0

  // Accepts dotted-quad IPv4 and RFC 4291 IPv6 text (with "::" and an embedded dotted quad).
  // No brackets, no zone index, no leading zeros in IPv4 octets.
  static Result<IpAddress> parse(std::string_view text);
  static IpAddress v4(std::array<std::uint8_t, 4> octets);
  static IpAddress v6(std::array<std::uint8_t, 16> octets);

  Family family() const { return family_; }
  bool is_v4() const { return family_ == Family::v4; }
  bool is_v6() const { return family_ == Family::v6; }
  // ::ffff:a.b.c.d
  bool is_v4_mapped() const;
  // The IPv4 address inside an IPv4-mapped IPv6 address; itself otherwise.
  IpAddress unmapped() const;

  // 4 meaningful bytes for IPv4, 16 for IPv6.
  const std::array<std::uint8_t, 16>& bytes() const { return bytes_; }
  std::size_t size() const { return is_v4() ? 4 : 16; }

  // Canonical text: dotted quad, or RFC 5952 compressed lower-case IPv6.
  std::string to_string() const;
  // "4.3.2.1.in-addr.arpa" or the 32-nibble ip6.arpa name (no trailing dot).
  std::string reverse_name() const;
  // SPF %{i}: dotted quad, or 32 dot-separated nibbles for IPv6 (RFC 7208 7.3).
  std::string spf_macro_form() const;

  // True when the first `prefix` bits equal those of `network`. An IPv4-mapped IPv6 address
  // matches an IPv4 network (RFC 7208 5: the v4 address is what counts). Families must match
  // otherwise; prefix beyond the family width is clamped by the caller's validation.
  bool in_network(const IpAddress& network, int prefix) const;

  bool is_loopback() const;

  friend bool operator==(const IpAddress&, const IpAddress&) = default;
  friend auto operator<=>(const IpAddress&, const IpAddress&) = default;

 private:
  Family family_ = Family::v4;
  std::array<std::uint8_t, 16> bytes_{};
};

// "ADDR/PREFIX" or a bare address (full-length prefix). An IPv4-mapped IPv6 network of /96 or
// longer is its IPv4 network ("::ffff:192.0.2.0/120" is 192.0.2.0/24).
struct IpNetwork {
  IpAddress address;
  int prefix = 0;
  static Result<IpNetwork> parse(std::string_view text);
  bool contains(const IpAddress& ip) const { return ip.in_network(address, prefix); }
};

}  // namespace senderauth
