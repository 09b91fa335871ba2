#include "senderauth/core/ip_address.hpp"

#include <arpa/inet.h>

#include <cstring>
#include <optional>
#include <string>

#include "core/limits.hpp"

namespace senderauth {
namespace {

constexpr char kHex[] = "0123456789abcdef";

// Strict dotted quad: four decimal octets 0-255, no leading zeros (which some libraries read
// as octal), no signs, nothing else.
std::optional<std::array<std::uint8_t, 4>> parse_dotted_quad(std::string_view text) {
  std::array<std::uint8_t, 4> out{};
  std::size_t pos = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (pos >= text.size() || text[pos] != '.') return std::nullopt;
      ++pos;
    }
    const std::size_t begin = pos;
    unsigned value = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9' && pos - begin < 3) {
      value = value * 10 + static_cast<unsigned>(text[pos] - '0');
      ++pos;
    }
    const std::size_t digits = pos - begin;
    if (digits == 0 || value > 255) return std::nullopt;
    if (digits > 1 && text[begin] == '0') return std::nullopt;
    out[static_cast<std::size_t>(part)] = static_cast<std::uint8_t>(value);
  }
  if (pos != text.size()) return std::nullopt;
  return out;
}

std::string dotted_quad(const std::uint8_t* b) {
  std::string out;
  for (int i = 0; i < 4; ++i) {
    if (i > 0) out.push_back('.');
    out += std::to_string(b[i]);
  }
  return out;
}

// A byte loop, not memcmp: at most 16 bytes, and SPF compares the client with every ip4/ip6
// term of a policy, so the call into libc would cost more than the comparison.
bool prefix_bits_equal(const std::uint8_t* a, const std::uint8_t* b, int bits) {
  int i = 0;
  for (; bits >= 8; bits -= 8, ++i) {
    if (a[i] != b[i]) return false;
  }
  if (bits == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xff << (8 - bits));
  return (a[i] & mask) == (b[i] & mask);
}

}  // namespace

Result<IpAddress> IpAddress::parse(std::string_view text) {
  if (text.empty()) return make_error("empty IP address");
  if (text.size() > core_limits::kMaxIpText) {
    return make_error("IP address text is too long (" + std::to_string(text.size()) + " chars)");
  }
  if (text.find(':') == std::string_view::npos) {
    auto quad = parse_dotted_quad(text);
    if (!quad) {
      return make_error(
          "'" + std::string(text) +
          "' is not a dotted-quad IPv4 address (four 0-255 octets, no leading zeros)");
    }
    return IpAddress::v4(*quad);
  }
  if (text.front() == '[') return make_error("IPv6 address must not be in brackets");
  if (text.find('%') != std::string_view::npos) {
    return make_error("IPv6 zone index ('%') is not allowed");
  }
  if (text.find('\0') != std::string_view::npos) return make_error("NUL byte in IP address");
  // inet_pton's IPv4 tail rules differ between C libraries; check the tail ourselves.
  const std::size_t last_colon = text.rfind(':');
  const std::string_view tail = text.substr(last_colon + 1);
  if (tail.find('.') != std::string_view::npos && !parse_dotted_quad(tail)) {
    return make_error("bad embedded IPv4 part '" + std::string(tail) + "' in IPv6 address");
  }
  char buffer[core_limits::kMaxIpText + 1];
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  std::array<std::uint8_t, 16> bytes{};
  if (inet_pton(AF_INET6, buffer, bytes.data()) != 1) {
    return make_error("'" + std::string(text) + "' is not a valid IPv6 address");
  }
  return IpAddress::v6(bytes);
}

IpAddress IpAddress::v4(std::array<std::uint8_t, 4> octets) {
  IpAddress ip;
  ip.family_ = Family::v4;
  std::memcpy(ip.bytes_.data(), octets.data(), 4);
  return ip;
}

IpAddress IpAddress::v6(std::array<std::uint8_t, 16> octets) {
  IpAddress ip;
  ip.family_ = Family::v6;
  ip.bytes_ = octets;
  return ip;
}

bool IpAddress::is_v4_mapped() const {
  if (!is_v6()) return false;
  for (int i = 0; i < 10; ++i) {
    if (bytes_[static_cast<std::size_t>(i)] != 0) return false;
  }
  return bytes_[10] == 0xff && bytes_[11] == 0xff;
}

IpAddress IpAddress::unmapped() const {
  if (!is_v4_mapped()) return *this;
  return v4({bytes_[12], bytes_[13], bytes_[14], bytes_[15]});
}

std::string IpAddress::to_string() const {
  if (is_v4()) return dotted_quad(bytes_.data());
  // RFC 5952 5: IPv4-mapped addresses keep the dotted quad.
  if (is_v4_mapped()) return "::ffff:" + dotted_quad(bytes_.data() + 12);
  std::array<unsigned, 8> groups{};
  for (std::size_t i = 0; i < 8; ++i) groups[i] = (bytes_[2 * i] << 8) | bytes_[2 * i + 1];
  // RFC 5952 4.2: compress the longest run of two or more zero groups, the first if tied.
  int best_start = -1;
  int best_len = 0;
  for (int i = 0; i < 8;) {
    if (groups[static_cast<std::size_t>(i)] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && groups[static_cast<std::size_t>(j)] == 0) ++j;
    if (j - i > best_len) {
      best_start = i;
      best_len = j - i;
    }
    i = j;
  }
  if (best_len < 2) best_start = -1;
  std::string out;
  for (int i = 0; i < 8; ++i) {
    if (i == best_start) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out.push_back(':');
    const unsigned g = groups[static_cast<std::size_t>(i)];
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      const unsigned nibble = (g >> shift) & 0xf;
      if (nibble != 0 || started || shift == 0) {
        out.push_back(kHex[nibble]);
        started = true;
      }
    }
  }
  return out;
}

std::string IpAddress::reverse_name() const {
  std::string out;
  if (is_v4()) {
    for (int i = 3; i >= 0; --i) {
      out += std::to_string(bytes_[static_cast<std::size_t>(i)]);
      out.push_back('.');
    }
    return out + "in-addr.arpa";
  }
  for (int i = 15; i >= 0; --i) {
    const std::uint8_t b = bytes_[static_cast<std::size_t>(i)];
    out.push_back(kHex[b & 0xf]);
    out.push_back('.');
    out.push_back(kHex[b >> 4]);
    out.push_back('.');
  }
  return out + "ip6.arpa";
}

std::string IpAddress::spf_macro_form() const {
  if (is_v4()) return dotted_quad(bytes_.data());
  std::string out;
  for (std::size_t i = 0; i < 16; ++i) {
    if (i > 0) out.push_back('.');
    out.push_back(kHex[bytes_[i] >> 4]);
    out.push_back('.');
    out.push_back(kHex[bytes_[i] & 0xf]);
  }
  return out;
}

bool IpAddress::in_network(const IpAddress& network, int prefix) const {
  const IpAddress self = (network.is_v4() && is_v4_mapped()) ? unmapped() : *this;
  if (self.family_ != network.family_) return false;
  const int width = self.is_v4() ? 32 : 128;
  if (prefix < 0) prefix = 0;
  if (prefix > width) prefix = width;
  return prefix_bits_equal(self.bytes_.data(), network.bytes_.data(), prefix);
}

bool IpAddress::is_loopback() const {
  const IpAddress self = unmapped();
  if (self.is_v4()) return self.bytes_[0] == 127;
  for (std::size_t i = 0; i < 15; ++i) {
    if (self.bytes_[i] != 0) return false;
  }
  return self.bytes_[15] == 1;
}

Result<IpNetwork> IpNetwork::parse(std::string_view text) {
  const std::size_t slash = text.find('/');
  auto address = IpAddress::parse(text.substr(0, slash));
  if (!address) return address.error();
  const int width = address->is_v4() ? 32 : 128;
  IpNetwork network{*address, width};
  if (slash == std::string_view::npos) {
    if (address->is_v4_mapped()) network = IpNetwork{address->unmapped(), 32};
    return network;
  }
  const std::string_view digits = text.substr(slash + 1);
  if (digits.empty()) return make_error("missing prefix length after '/'");
  if (digits.size() > 3 || (digits.size() > 1 && digits.front() == '0')) {
    return make_error("bad prefix length '" + std::string(digits) + "'");
  }
  int prefix = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') return make_error("bad prefix length '" + std::string(digits) + "'");
    prefix = prefix * 10 + (c - '0');
  }
  if (prefix > width) {
    return make_error("prefix length " + std::to_string(prefix) + " exceeds " +
                      std::to_string(width) + " bits");
  }
  network.prefix = prefix;
  // "::ffff:192.0.2.0/120" (Postfix's mynetworks writes its IPv4 networks so) is the IPv4
  // network: clients are compared unmapped, and an IPv6 network would never hold them.
  if (network.address.is_v4_mapped() && prefix >= 96) {
    network.address = network.address.unmapped();
    network.prefix = prefix - 96;
  }
  return network;
}

}  // namespace senderauth
