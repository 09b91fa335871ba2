#include "unbound_wire.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>

#include "senderauth/core/byte_text.hpp"

namespace senderauth::dns::wire {
namespace {

constexpr std::size_t kMaxPointerJumps = 128;
constexpr std::size_t kMaxChainLength = 16;  // RFC-free sanity bound; unbound stops earlier

std::uint16_t read_u16(std::span<const std::uint8_t> data, std::size_t offset) {
  return static_cast<std::uint16_t>((data[offset] << 8) | data[offset + 1]);
}

// A name inside rdata must end inside the rdata.
std::optional<std::string> read_rdata_name(std::span<const std::uint8_t> rdata, std::size_t& offset,
                                           bool* dotted_label = nullptr) {
  auto name = read_name(rdata, offset, dotted_label);
  if (!name || offset > rdata.size()) return std::nullopt;
  return name;
}

}  // namespace

std::optional<std::string> query_text(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 1);
  for (char c : name) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte == 0) return std::nullopt;  // libunbound takes a C string: it would stop here
    if (byte == '\\') {
      out += "\\\\";
    } else if (byte < 0x21 || byte > 0x7E) {
      append_decimal_escape(out, byte);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('.');  // absolute: no search list, and the root as "."
  return out;
}

std::optional<std::string> read_name(std::span<const std::uint8_t> message, std::size_t& offset,
                                     bool* dotted_label) {
  std::string name;
  std::size_t pos = offset;
  std::size_t jumps = 0;
  bool jumped = false;
  while (true) {
    if (pos >= message.size()) return std::nullopt;
    const std::uint8_t len = message[pos];
    if ((len & 0xC0) == 0xC0) {
      if (pos + 1 >= message.size() || ++jumps > kMaxPointerJumps) return std::nullopt;
      const std::size_t target = read_u16(message, pos) & 0x3FFF;
      if (!jumped) offset = pos + 2;
      jumped = true;
      pos = target;
      continue;
    }
    if ((len & 0xC0) != 0) return std::nullopt;  // extended label types are obsolete
    if (len == 0) {
      if (!jumped) offset = pos + 1;
      break;
    }
    if (pos + 1 + len > message.size()) return std::nullopt;
    if (!name.empty()) name.push_back('.');
    for (std::size_t i = 0; i < len; ++i) {
      const std::uint8_t byte = message[pos + 1 + i];
      // Names are their labels joined by dots: a dot inside a label would make the text name
      // another name ("a\.b" as "a.b"), so such a name is refused, never flattened.
      if (byte == '.') {
        if (dotted_label != nullptr) *dotted_label = true;
        return std::nullopt;
      }
      name.push_back(static_cast<char>(std::tolower(byte)));
    }
    if (name.size() > 253) return std::nullopt;
    pos += 1 + len;
  }
  return name;
}

Rdata decode_rdata(RecordType type, std::span<const std::uint8_t> rdata, Answer& answer) {
  switch (type) {
    case RecordType::A: {
      if (rdata.size() != 4) return Rdata::malformed;
      answer.addresses.push_back(IpAddress::v4({rdata[0], rdata[1], rdata[2], rdata[3]}));
      return Rdata::appended;
    }
    case RecordType::AAAA: {
      if (rdata.size() != 16) return Rdata::malformed;
      std::array<std::uint8_t, 16> bytes{};
      for (std::size_t i = 0; i < 16; ++i) bytes[i] = rdata[i];
      answer.addresses.push_back(IpAddress::v6(bytes));
      return Rdata::appended;
    }
    case RecordType::TXT:
    case RecordType::SPF: {
      std::vector<std::string> strings;
      std::size_t pos = 0;
      while (pos < rdata.size()) {
        const std::size_t len = rdata[pos];
        if (pos + 1 + len > rdata.size()) return Rdata::malformed;
        strings.emplace_back(reinterpret_cast<const char*>(rdata.data() + pos + 1), len);
        pos += 1 + len;
      }
      answer.txt.push_back(std::move(strings));
      return Rdata::appended;
    }
    case RecordType::MX: {
      if (rdata.size() < 3) return Rdata::malformed;
      std::size_t pos = 2;
      bool dotted = false;
      auto exchange = read_rdata_name(rdata, pos, &dotted);
      if (!exchange) return dotted ? Rdata::skipped : Rdata::malformed;
      answer.mx.push_back(MxRecord{read_u16(rdata, 0), std::move(*exchange)});
      return Rdata::appended;
    }
    case RecordType::PTR:
    case RecordType::NS:
    case RecordType::CNAME: {
      std::size_t pos = 0;
      bool dotted = false;
      auto target = read_rdata_name(rdata, pos, &dotted);
      // A CNAME is the one name the answer follows: without it there is nothing to judge.
      if (!target) return dotted && type != RecordType::CNAME ? Rdata::skipped : Rdata::malformed;
      answer.names.push_back(std::move(*target));
      return Rdata::appended;
    }
    case RecordType::CAA: {
      if (rdata.size() < 2) return Rdata::malformed;
      const std::size_t tag_len = rdata[1];
      if (2 + tag_len > rdata.size()) return Rdata::malformed;
      CaaRecord caa;
      caa.flags = rdata[0];
      caa.tag.assign(reinterpret_cast<const char*>(rdata.data() + 2), tag_len);
      caa.value.assign(reinterpret_cast<const char*>(rdata.data() + 2 + tag_len),
                       rdata.size() - 2 - tag_len);
      answer.caa.push_back(std::move(caa));
      return Rdata::appended;
    }
    case RecordType::SOA:
      return Rdata::appended;  // SOA data is not surfaced in Answer
  }
  return Rdata::malformed;
}

std::vector<std::string> cname_chain(std::span<const std::uint8_t> packet,
                                     const std::string& qname) {
  if (packet.size() < 12) return {};
  const std::size_t qdcount = read_u16(packet, 4);
  const std::size_t ancount = read_u16(packet, 6);
  std::size_t pos = 12;
  for (std::size_t i = 0; i < qdcount; ++i) {
    if (!read_name(packet, pos) || pos + 4 > packet.size()) return {};
    pos += 4;
  }
  std::map<std::string, std::string> cnames;
  for (std::size_t i = 0; i < ancount; ++i) {
    auto owner = read_name(packet, pos);
    if (!owner || pos + 10 > packet.size()) return {};
    const std::uint16_t type = read_u16(packet, pos);
    const std::size_t rdlength = read_u16(packet, pos + 8);
    pos += 10;
    if (pos + rdlength > packet.size()) return {};
    if (type == static_cast<std::uint16_t>(RecordType::CNAME)) {
      std::size_t name_pos = pos;  // compressed names point anywhere in the packet
      auto target = read_name(packet, name_pos);
      if (!target) return {};
      cnames.emplace(std::move(*owner), std::move(*target));
    }
    pos += rdlength;
  }
  std::vector<std::string> chain;
  std::string current = qname;
  while (chain.size() < kMaxChainLength) {
    auto it = cnames.find(current);
    if (it == cnames.end()) break;
    current = it->second;
    chain.push_back(current);
  }
  return chain;
}

std::optional<std::uint32_t> negative_ttl(std::span<const std::uint8_t> packet) {
  if (packet.size() < 12) return std::nullopt;
  const std::size_t qdcount = read_u16(packet, 4);
  const std::size_t ancount = read_u16(packet, 6);
  const std::size_t nscount = read_u16(packet, 8);
  std::size_t pos = 12;
  for (std::size_t i = 0; i < qdcount; ++i) {
    if (!read_name(packet, pos) || pos + 4 > packet.size()) return std::nullopt;
    pos += 4;
  }
  for (std::size_t i = 0; i < ancount + nscount; ++i) {
    if (!read_name(packet, pos) || pos + 10 > packet.size()) return std::nullopt;
    const std::uint16_t type = read_u16(packet, pos);
    const std::uint32_t ttl =
        (static_cast<std::uint32_t>(read_u16(packet, pos + 4)) << 16) | read_u16(packet, pos + 6);
    const std::size_t rdlength = read_u16(packet, pos + 8);
    pos += 10;
    if (pos + rdlength > packet.size()) return std::nullopt;
    // MINIMUM is the last field: no need to walk the two names before it. 22 octets at least:
    // two root names and five 32-bit numbers.
    if (i >= ancount && type == static_cast<std::uint16_t>(RecordType::SOA) && rdlength >= 22) {
      const std::size_t end = pos + rdlength;
      const std::uint32_t minimum =
          (static_cast<std::uint32_t>(read_u16(packet, end - 4)) << 16) | read_u16(packet, end - 2);
      // TTLs with the top bit set are read as 0 (RFC 2181 8).
      return (ttl & 0x80000000u) != 0 ? 0 : std::min(ttl, minimum & 0x7FFFFFFFu);
    }
    pos += rdlength;
  }
  return std::nullopt;
}

}  // namespace senderauth::dns::wire
