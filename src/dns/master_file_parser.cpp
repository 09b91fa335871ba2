#include "master_file_parser.hpp"

#include <cctype>
#include <optional>
#include <utility>

#include "master_file_lexer.hpp"
#include "senderauth/core/ip_address.hpp"
#include "zone_limits.hpp"

namespace senderauth::dns::master_file {

namespace {

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Decimal number up to `max`.
std::optional<std::uint32_t> parse_number(std::string_view text, std::uint32_t max) {
  if (text.empty() || text.size() > 10) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) {
    if (!is_digit(c)) return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (value > max) return std::nullopt;
  return static_cast<std::uint32_t>(value);
}

// "3600", or BIND's unit form "1h30m" (s, m, h, d, w).
std::optional<std::uint32_t> parse_ttl(std::string_view text) {
  if (auto plain = parse_number(text, zone_limits::kMaxTtl)) return plain;
  if (text.empty() || !is_digit(text[0])) return std::nullopt;
  std::uint64_t total = 0;
  std::uint64_t current = 0;
  bool have_digits = false;
  for (char c : text) {
    if (is_digit(c)) {
      current = current * 10 + static_cast<std::uint64_t>(c - '0');
      if (current > zone_limits::kMaxTtl) return std::nullopt;
      have_digits = true;
      continue;
    }
    if (!have_digits) return std::nullopt;
    std::uint64_t unit = 0;
    switch (std::tolower(static_cast<unsigned char>(c))) {
      case 's':
        unit = 1;
        break;
      case 'm':
        unit = 60;
        break;
      case 'h':
        unit = 3600;
        break;
      case 'd':
        unit = 86400;
        break;
      case 'w':
        unit = 604800;
        break;
      default:
        return std::nullopt;
    }
    total += current * unit;
    if (total > zone_limits::kMaxTtl) return std::nullopt;
    current = 0;
    have_digits = false;
  }
  if (have_digits) return std::nullopt;  // "1h30": a unit must follow every number
  return static_cast<std::uint32_t>(total);
}

bool looks_like_class(std::string_view text) {
  return iequal(text, "IN") || iequal(text, "CH") || iequal(text, "HS") || iequal(text, "CS");
}

class Parser {
 public:
  Parser(std::string_view origin) {
    auto checked = checked_zone_name(origin);
    if (checked)
      origin_ = std::move(checked).value();
    else
      origin_error_ = "origin '" + std::string(origin) + "': " + checked.reason();
  }

  Result<ZoneContent> run(std::string_view text) {
    if (!origin_error_.empty()) return make_error(origin_error_);
    auto entries = split_entries(text);
    if (!entries) return entries.error();
    for (const auto& entry : *entries) {
      line_ = entry.line;
      auto handled =
          entry.tokens[0].raw.starts_with('$') && !entry.tokens[0].quoted && !entry.blank_owner
              ? directive(entry)
              : record(entry);
      if (!handled) return make_error("line " + std::to_string(line_) + ": " + handled.reason());
    }
    return std::move(content_);
  }

 private:
  // A <domain-name> field: "@", relative (origin appended) or absolute (trailing dot).
  Result<std::string> name(const Token& token) const {
    if (token.raw == "@") return origin_;
    if (token.raw == ".") return std::string();
    std::string out;
    std::string label;
    bool absolute = false;
    auto close_label = [&]() -> Result<void> {
      if (label.empty()) return make_error("empty label in name '" + token.raw + "'");
      if (!out.empty()) out.push_back('.');
      out += label;
      label.clear();
      return {};
    };
    for (std::size_t i = 0; i < token.raw.size(); ++i) {
      const char c = token.raw[i];
      if (c == '\\') {
        std::size_t len = is_digit(token.raw[i + 1]) ? 3 : 1;
        auto decoded = decode_character_string(token.raw.substr(i, len + 1));
        if (!decoded) return make_error("name '" + token.raw + "': " + decoded.reason());
        if (*decoded == ".") {
          return make_error("name '" + token.raw + "': a dot inside a label is not supported");
        }
        label += *decoded;
        i += len;
      } else if (c == '.') {
        if (auto closed = close_label(); !closed) return closed.error();
        if (i + 1 == token.raw.size()) absolute = true;
      } else {
        label.push_back(c);
      }
    }
    if (!label.empty() || out.empty()) {
      if (auto closed = close_label(); !closed) return closed.error();
    }
    if (!absolute && !origin_.empty()) out += "." + origin_;
    auto checked = checked_zone_name(out);
    if (!checked) return make_error("name '" + token.raw + "': " + checked.reason());
    return checked;
  }

  Result<void> directive(const Entry& entry) {
    const auto& keyword = entry.tokens[0].raw;
    if (iequal(keyword, "$ORIGIN")) {
      if (entry.tokens.size() != 2) return make_error("$ORIGIN takes one name");
      auto origin = name(entry.tokens[1]);
      if (!origin) return origin.error();
      origin_ = std::move(origin).value();
      return {};
    }
    if (iequal(keyword, "$TTL")) {
      if (entry.tokens.size() != 2) return make_error("$TTL takes one value");
      auto ttl = parse_ttl(entry.tokens[1].raw);
      if (!ttl) return make_error("$TTL '" + entry.tokens[1].raw + "' is not a TTL");
      default_ttl_ = *ttl;
      return {};
    }
    return make_error(keyword + " is not supported");
  }

  Result<void> record(const Entry& entry) {
    std::size_t i = 0;
    ZoneRecord rr;
    if (entry.blank_owner) {
      if (!previous_owner_) return make_error("no owner name and no previous record");
      rr.owner = *previous_owner_;
    } else {
      auto owner = name(entry.tokens[i++]);
      if (!owner) return owner.error();
      rr.owner = std::move(owner).value();
    }
    std::optional<std::uint32_t> ttl;
    bool have_class = false;
    // [TTL] [class] or [class] [TTL], in either order (RFC 1035 5.1).
    for (int field = 0; field < 2 && i < entry.tokens.size(); ++field) {
      const auto& raw = entry.tokens[i].raw;
      if (!ttl && !raw.empty() && is_digit(raw[0])) {
        ttl = parse_ttl(raw);
        if (!ttl) return make_error("'" + raw + "' is not a TTL");
        ++i;
      } else if (!have_class && looks_like_class(raw)) {
        if (!iequal(raw, "IN")) return make_error("class " + raw + " is not supported (only IN)");
        have_class = true;
        ++i;
      }
    }
    if (i >= entry.tokens.size()) return make_error("record without a type");
    const auto& type_text = entry.tokens[i++].raw;
    if (!parse_record_type(type_text, rr.type)) {
      return make_error("record type '" + type_text + "' is not supported");
    }
    if (ttl) last_explicit_ttl_ = *ttl;
    rr.ttl = ttl            ? *ttl
             : default_ttl_ ? *default_ttl_
                            : last_explicit_ttl_.value_or(zone_limits::kDefaultTtl);
    previous_owner_ = rr.owner;
    std::vector<Token> rdata(entry.tokens.begin() + static_cast<std::ptrdiff_t>(i),
                             entry.tokens.end());
    if (auto filled = fill_rdata(rdata, rr); !filled) {
      return make_error(std::string(to_string(rr.type)) + ": " + filled.reason());
    }
    if (content_.records.size() >= zone_limits::kMaxRecords) {
      return make_error("more than " + std::to_string(zone_limits::kMaxRecords) + " records");
    }
    content_.records.push_back(std::move(rr));
    return {};
  }

  static Result<void> expect_count(const std::vector<Token>& rdata, std::size_t count) {
    if (rdata.size() < count) return make_error("missing data fields");
    if (rdata.size() > count) return make_error("unexpected '" + rdata[count].raw + "'");
    return {};
  }

  Result<void> fill_rdata(const std::vector<Token>& rdata, ZoneRecord& rr) const {
    switch (rr.type) {
      case RecordType::A:
      case RecordType::AAAA: {
        if (auto n = expect_count(rdata, 1); !n) return n;
        auto address = IpAddress::parse(rdata[0].raw);
        if (!address) return make_error("'" + rdata[0].raw + "': " + address.reason());
        if (address->is_v4() != (rr.type == RecordType::A)) {
          return make_error("'" + rdata[0].raw + "' is not an " +
                            (rr.type == RecordType::A ? "IPv4" : "IPv6") + " address");
        }
        rr.address = *address;
        return {};
      }
      case RecordType::TXT:
      case RecordType::SPF: {
        if (rdata.empty()) return make_error("missing data fields");
        for (const auto& token : rdata) {
          auto text = decode_character_string(token.raw);
          if (!text) return text.error();
          if (text->size() > zone_limits::kMaxCharacterString) {
            return make_error("string longer than " +
                              std::to_string(zone_limits::kMaxCharacterString) +
                              " octets (split it into several quoted strings)");
          }
          rr.strings.push_back(std::move(text).value());
        }
        return {};
      }
      case RecordType::MX: {
        if (auto n = expect_count(rdata, 2); !n) return n;
        auto preference = parse_number(rdata[0].raw, 65535);
        if (!preference) return make_error("preference '" + rdata[0].raw + "' is not 0-65535");
        rr.preference = static_cast<std::uint16_t>(*preference);
        return target(rdata[1], rr.target);
      }
      case RecordType::PTR:
      case RecordType::NS:
      case RecordType::CNAME:
        if (auto n = expect_count(rdata, 1); !n) return n;
        return target(rdata[0], rr.target);
      case RecordType::SOA: {
        if (auto n = expect_count(rdata, 7); !n) return n;
        if (auto m = target(rdata[0], rr.soa.mname); !m) return m;
        if (auto r = target(rdata[1], rr.soa.rname); !r) return r;
        auto serial = parse_number(rdata[2].raw, 0xFFFFFFFF);
        if (!serial) return make_error("serial '" + rdata[2].raw + "' is not a 32-bit number");
        rr.soa.serial = *serial;
        std::uint32_t* timers[] = {&rr.soa.refresh, &rr.soa.retry, &rr.soa.expire, &rr.soa.minimum};
        for (std::size_t k = 0; k < 4; ++k) {
          auto value = parse_ttl(rdata[3 + k].raw);
          if (!value) return make_error("'" + rdata[3 + k].raw + "' is not a time value");
          *timers[k] = *value;
        }
        return {};
      }
      case RecordType::CAA: {
        if (auto n = expect_count(rdata, 3); !n) return n;
        auto flags = parse_number(rdata[0].raw, 255);
        if (!flags) return make_error("flags '" + rdata[0].raw + "' is not 0-255");
        rr.caa.flags = static_cast<std::uint8_t>(*flags);
        const auto& tag = rdata[1].raw;
        if (tag.empty() || tag.size() > 255) return make_error("empty or over-long tag");
        for (char c : tag) {
          if (!std::isalnum(static_cast<unsigned char>(c))) {
            return make_error("tag '" + tag + "' is not letters and digits");
          }
        }
        rr.caa.tag = tag;
        auto value = decode_character_string(rdata[2].raw);
        if (!value) return value.error();
        rr.caa.value = std::move(value).value();
        return {};
      }
    }
    return make_error("unsupported type");
  }

  Result<void> target(const Token& token, std::string& out) const {
    auto resolved = name(token);
    if (!resolved) return resolved.error();
    out = std::move(resolved).value();
    return {};
  }

  std::string origin_;
  std::string origin_error_;
  std::optional<std::uint32_t> default_ttl_;
  std::optional<std::uint32_t> last_explicit_ttl_;
  std::optional<std::string> previous_owner_;
  std::size_t line_ = 0;
  ZoneContent content_;
};

}  // namespace

Result<ZoneContent> parse(std::string_view text, std::string_view origin) {
  return Parser(origin).run(text);
}

}  // namespace senderauth::dns::master_file
