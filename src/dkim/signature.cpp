#include "senderauth/dkim/signature.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include "senderauth/core/base64.hpp"
#include "senderauth/core/domain_name.hpp"
#include "senderauth/core/idna.hpp"
#include "senderauth/core/tag_list.hpp"
#include "senderauth/core/utf8.hpp"

namespace senderauth::dkim {

namespace {

// C0 controls, DEL, and the Unicode controls of core/utf8.hpp.
bool has_control_character(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x20 || byte == 0x7f) return true;
    const std::size_t length = byte < 0x80 ? 0 : utf8_sequence_length(text.substr(i));
    if (length != 0 && unicode_control(text.substr(i, length)) != UnicodeControl::none) {
      return true;
    }
    i += length == 0 ? 1 : length;
  }
  return false;
}

// Decimal of at most `max_digits` digits.
template <class T>
std::optional<T> parse_decimal(std::string_view text, std::size_t max_digits) {
  text = trim_fws(text);
  if (text.empty() || text.size() > max_digits) return std::nullopt;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  T value{};
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

// RFC 6376 2.11 dkim-quoted-printable: "=XX" escapes, whitespace ignored.
std::optional<std::string> decode_dkim_qp(std::string_view text) {
  std::string out;
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (is_fws_char(c)) continue;
    if (c == '=') {
      if (i + 2 >= text.size()) return std::nullopt;
      int hi = hex(text[i + 1]), lo = hex(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
      continue;
    }
    out.push_back(c);
  }
  return out;
}

bool is_field_name_char(char c) {
  return static_cast<unsigned char>(c) > 32 && static_cast<unsigned char>(c) < 127 && c != ':';
}

Error tag_error(std::string_view tag, std::string_view what) {
  return make_error(std::string(tag) + "= " + std::string(what));
}

// The tags a DKIM-Signature defines, gathered in one pass over the list: one-letter names by
// letter, and bh (names are unique, so this is what a find() per tag would give); other tags
// are ignored (RFC 6376 3.2).
struct SignatureTags {
  std::array<std::optional<std::string_view>, 26> letter;
  std::optional<std::string_view> bh;
  const std::optional<std::string_view>& operator[](char name) const { return letter[name - 'a']; }
};

SignatureTags collect_tags(const TagViewList& list) {
  SignatureTags tags;
  for (const TagView& tag : list.tags()) {
    if (tag.name.size() == 1 && tag.name[0] >= 'a' && tag.name[0] <= 'z') {
      tags.letter[static_cast<std::size_t>(tag.name[0] - 'a')] = tag.value;
    } else if (tag.name == "bh") {
      tags.bh = tag.value;
    }
  }
  return tags;
}

}  // namespace

bool is_valid_dns_name(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  std::size_t label = 0;
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
      continue;
    }
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || u >= 0x80;
    if (!ok || ++label > 63) return false;
  }
  return label > 0;
}

std::string_view Signature::identity_domain() const {
  auto at = identity.rfind('@');
  return at == std::string::npos ? std::string_view(identity)
                                 : std::string_view(identity).substr(at + 1);
}

Result<std::string> dns_name_in_a_labels(std::string_view name) {
  if (is_ascii(name)) {
    if (!is_valid_dns_name(name)) return make_error("is not a domain name");
    return ascii_lower(name);
  }
  // The octet limits are the A-labels' (checked below): a U-label of 32 'é' is 64 octets of
  // UTF-8 but a 38-octet A-label. Empty labels and a root dot are refused as in ASCII.
  if (name.front() == '.' || name.back() == '.' || name.find("..") != std::string_view::npos) {
    return make_error("is not a domain name");
  }
  auto converted = domain_to_a_labels(name);
  if (!converted) return make_error("is not a valid internationalised name: " + converted.reason());
  if (!is_valid_dns_name(*converted)) return make_error("is too long in A-labels");
  return converted;
}

std::string encode_dkim_qp(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x21 && u <= 0x7e && c != ';' && c != '=') {
      out.push_back(c);
    } else {
      out.push_back('=');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0x0f]);
    }
  }
  return out;
}

Result<Signature> parse_signature(std::string_view value) {
  // RFC 8616 5: UTF-8 in values (U-labels in d=, s=, i=; an i= local part; z=).
  auto parsed = TagViewList::parse(value, TagValueBytes::utf8);
  if (!parsed) return make_error("signature tag-list syntax: " + parsed.reason());
  const SignatureTags tags = collect_tags(*parsed);
  Signature sig;

  const auto& v = tags['v'];
  if (!v) return make_error("v= tag missing");
  if (trim_fws(*v) != "1") return tag_error("v", "is \"" + std::string(*v) + "\", not 1");

  const auto& a = tags['a'];
  if (!a) return make_error("a= tag missing");
  auto algorithm = parse_algorithm(trim_fws(*a));
  if (!algorithm) return tag_error("a", "names an unknown algorithm \"" + std::string(*a) + "\"");
  sig.algorithm = *algorithm;

  const auto& b = tags['b'];
  if (!b) return make_error("b= tag missing");
  auto b_bytes = base64_decode(*b);
  if (!b_bytes) return tag_error("b", "is not base64: " + b_bytes.reason());
  if (b_bytes->empty()) return tag_error("b", "is empty");
  sig.signature = std::move(*b_bytes);
  sig.signature_text = strip_whitespace(*b);

  const auto& bh = tags.bh;
  if (!bh) return make_error("bh= tag missing");
  auto bh_bytes = base64_decode(*bh);
  if (!bh_bytes) return tag_error("bh", "is not base64: " + bh_bytes.reason());
  if (bh_bytes->size() != digest_size(hash_of(sig.algorithm))) {
    return tag_error(
        "bh", "has " + std::to_string(bh_bytes->size()) + " bytes, not the size of the digest");
  }
  sig.body_hash = std::move(*bh_bytes);

  if (const auto& c = tags['c']) {
    std::string_view text = trim_fws(*c);
    auto slash = text.find('/');
    auto header = parse_canonicalization(text.substr(0, slash));
    if (!header) return tag_error("c", "has an unknown header canonicalization");
    sig.header_canon = *header;
    if (slash != std::string_view::npos) {
      auto body = parse_canonicalization(text.substr(slash + 1));
      if (!body) return tag_error("c", "has an unknown body canonicalization");
      sig.body_canon = *body;
    }
  }

  const auto& d = tags['d'];
  if (!d) return make_error("d= tag missing");
  auto domain = dns_name_in_a_labels(trim_fws(*d));
  if (!domain) return tag_error("d", domain.reason());
  sig.domain = std::move(*domain);

  const auto& h = tags['h'];
  if (!h) return make_error("h= tag missing");
  bool has_from = false;
  std::string_view list = *h;
  // One allocation for the names (h= lists ~10-20; growing by doubling would be five).
  sig.signed_headers.reserve(static_cast<std::size_t>(std::count(list.begin(), list.end(), ':')) +
                             1);
  while (true) {
    auto colon = list.find(':');
    std::string_view name = trim_fws(list.substr(0, colon));
    if (name.empty()) return tag_error("h", "has an empty header name");
    for (char ch : name) {
      if (!is_field_name_char(ch)) return tag_error("h", "has an invalid header name");
    }
    if (iequals(name, "from")) has_from = true;
    sig.signed_headers.emplace_back(name);
    if (colon == std::string_view::npos) break;
    list.remove_prefix(colon + 1);
  }
  if (!has_from) return tag_error("h", "does not include From");

  if (const auto& i = tags['i']) {
    auto decoded = decode_dkim_qp(*i);
    if (!decoded) return tag_error("i", "has a bad quoted-printable escape");
    auto at = decoded->rfind('@');
    if (at == std::string::npos) return tag_error("i", "has no \"@\"");
    // RFC 6376 3.5: a Local-part of RFC 5321, which holds no control character (its quoted
    // form neither); a decoded CR LF would otherwise reach every report that shows i=. Nor
    // the Unicode ones (RFC 6531's UTF-8 local parts): U+2028 or NEL is a line break to some
    // readers, a bidi override reorders what a report shows.
    if (has_control_character(std::string_view(*decoded).substr(0, at))) {
      return tag_error("i", "has a control character in its local part");
    }
    const std::string_view idomain = std::string_view(*decoded).substr(at + 1);
    auto idomain_a_labels = dns_name_in_a_labels(idomain);
    if (!idomain_a_labels) return tag_error("i", "has an invalid domain");
    if (!domain_is_subdomain_of(*idomain_a_labels, sig.domain)) {
      return tag_error("i", "domain is not d= or a subdomain of it");
    }
    // Compared with d= and a key's t=s as A-labels; an ASCII domain stays as written.
    if (!is_ascii(idomain)) decoded->replace(at + 1, std::string::npos, *idomain_a_labels);
    sig.identity = std::move(*decoded);
    sig.identity_given = true;
  } else {
    sig.identity = "@" + sig.domain;
  }

  if (const auto& l = tags['l']) {
    auto length = parse_decimal<std::uint64_t>(*l, 19);
    if (!length) return tag_error("l", "is not a decimal number of at most 19 digits");
    sig.body_length = *length;
  }

  if (const auto& q = tags['q']) {
    bool dns_txt = false;
    std::string_view methods = *q;
    while (true) {
      auto colon = methods.find(':');
      std::string_view m = trim_fws(methods.substr(0, colon));
      if (iequals(m, "dns/txt")) dns_txt = true;
      if (colon == std::string_view::npos) break;
      methods.remove_prefix(colon + 1);
    }
    if (!dns_txt) return tag_error("q", "does not offer dns/txt");
  }

  const auto& s = tags['s'];
  if (!s) return make_error("s= tag missing");
  auto selector = dns_name_in_a_labels(trim_fws(*s));
  if (!selector) return tag_error("s", "is not a valid selector");
  sig.selector = std::move(*selector);

  if (const auto& t = tags['t']) {
    auto ts = parse_decimal<std::int64_t>(*t, 18);
    if (!ts) return tag_error("t", "is not a decimal timestamp");
    sig.timestamp = *ts;
  }
  if (const auto& x = tags['x']) {
    auto xs = parse_decimal<std::int64_t>(*x, 18);
    if (!xs) return tag_error("x", "is not a decimal timestamp");
    sig.expiration = *xs;
    // RFC 6376 3.5: x= MUST be greater than t=; one equal to it expired as it was made.
    if (sig.timestamp && *xs <= *sig.timestamp) return tag_error("x", "is not after t=");
  }
  if (const auto& z = tags['z']) sig.copied_headers = std::string(*z);
  return sig;
}

SignatureSummary summarize_signature(std::string_view value) {
  SignatureSummary summary;
  auto parsed = TagViewList::parse(value, TagValueBytes::utf8);
  if (!parsed) return summary;
  auto get = [&](std::string_view name) {
    const auto v = parsed->find(name);
    return v ? std::string(trim_fws(*v)) : std::string();
  };
  summary.domain = get("d");
  summary.selector = get("s");
  summary.algorithm = get("a");
  summary.identity = get("i");
  if (const auto b = parsed->find("b")) summary.signature_text = strip_whitespace(*b);
  return summary;
}

std::string remove_signature_value(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  auto colon = raw.find(':');
  if (colon == std::string_view::npos) return std::string(raw);
  out.append(raw.substr(0, colon + 1));
  std::size_t pos = colon + 1;
  // Tag by tag: the value of the tag named exactly "b" is dropped up to the next ";" (or up to
  // the final CRLF), whitespace included.
  while (pos <= raw.size()) {
    std::size_t semi = raw.find(';', pos);
    std::size_t end = semi == std::string_view::npos ? raw.size() : semi;
    std::string_view segment = raw.substr(pos, end - pos);
    auto eq = segment.find('=');
    if (eq != std::string_view::npos && trim_fws(segment.substr(0, eq)) == "b") {
      out.append(segment.substr(0, eq + 1));
      if (semi == std::string_view::npos && raw.ends_with("\r\n")) out.append("\r\n");
    } else {
      out.append(segment);
    }
    if (semi == std::string_view::npos) break;
    out.push_back(';');
    pos = semi + 1;
  }
  return out;
}

}  // namespace senderauth::dkim
