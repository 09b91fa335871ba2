#include "senderauth/dmarc/record.hpp"

#include <charconv>
#include <string>

#include "senderauth/core/domain_name.hpp"
#include "senderauth/core/tag_list.hpp"

namespace senderauth::dmarc {

namespace {

std::string without_whitespace(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (!is_fws_char(c)) out.push_back(c);
  }
  return out;
}

// As many tags as the DKIM tag-list parser takes in one list; DMARC defines about 11.
constexpr std::size_t kMaxTags = 64;

// A tag-spec as a warning may quote it: printable ASCII, at most 40 bytes.
std::string quoted_spec(std::string_view spec) {
  std::string out;
  for (char c : trim_fws(spec).substr(0, 40)) out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
  return out;
}

// The record's tag-specs. RFC 9989 4.8: "Syntax errors in the remainder of the record MUST be
// discarded in favor of default values (if any) or ignored outright": a tag-spec that does
// not parse (no '=', a bad name, bytes no tag value may hold) is left out with a warning, and
// so are the empty ones real records carry (";;", "; ;"). A tag given twice still makes the
// record unusable, as in the DKIM tag-list DMARC uses (RFC 6376 3.2): which copy would count?
Result<std::vector<TagView>> read_tag_specs(std::string_view text,
                                            std::vector<std::string>& warnings) {
  std::vector<TagView> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t semi = text.find(';', start);
    if (semi == std::string_view::npos) semi = text.size();
    const std::string_view spec = text.substr(start, semi - start);
    start = semi + 1;
    if (trim_fws(spec).empty()) continue;
    auto one = TagViewList::parse(spec);
    if (!one) {
      warnings.push_back("malformed tag-spec '" + quoted_spec(spec) + "' ignored: " + one.reason());
      continue;
    }
    for (const TagView& tag : one->tags()) {  // one: the spec holds no ';'
      for (const TagView& seen : out) {
        if (seen.name == tag.name)
          return make_error("duplicate tag '" + std::string(tag.name) + "'");
      }
      if (out.size() == kMaxTags)
        return make_error("more than " + std::to_string(kMaxTags) + " tags");
      out.push_back(tag);
    }
  }
  return out;
}

bool parse_uint(std::string_view s, std::uint64_t& out) {
  s = trim_fws(s);
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

// "scheme:rest" with an RFC 3986 scheme and something after the colon.
bool plausible_uri(std::string_view uri) {
  const std::size_t colon = uri.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 >= uri.size()) return false;
  const auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (!alpha(uri[0])) return false;
  for (std::size_t i = 1; i < colon; ++i) {
    const char c = uri[i];
    if (!alpha(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') return false;
  }
  return true;
}

// One URI of rua/ruf, with the obsolete "!size[kmgt]" suffix.
std::optional<ReportUri> parse_report_uri(std::string_view item) {
  ReportUri out;
  // RFC 7489 6.2: a '!' inside a URI must be percent-encoded, so the first one starts the size.
  const std::size_t bang = item.find('!');
  out.uri = without_whitespace(item.substr(0, bang));
  if (!plausible_uri(out.uri)) return std::nullopt;
  if (bang != std::string_view::npos) {
    std::string size = without_whitespace(item.substr(bang + 1));
    std::uint64_t unit = 1;
    if (!size.empty()) {
      switch (size.back()) {
        case 'k':
        case 'K':
          unit = 1ULL << 10;
          break;
        case 'm':
        case 'M':
          unit = 1ULL << 20;
          break;
        case 'g':
        case 'G':
          unit = 1ULL << 30;
          break;
        case 't':
        case 'T':
          unit = 1ULL << 40;
          break;
        default:
          break;
      }
      if (unit != 1) size.pop_back();
    }
    std::uint64_t number = 0;
    if (!parse_uint(size, number) || number > (UINT64_MAX / unit)) return std::nullopt;
    out.max_size = number * unit;
  }
  return out;
}

std::vector<ReportUri> parse_uri_list(std::string_view value, std::string_view tag,
                                      std::vector<std::string>& warnings) {
  std::vector<ReportUri> out;
  std::size_t start = 0;
  while (start <= value.size()) {
    std::size_t comma = value.find(',', start);
    if (comma == std::string_view::npos) comma = value.size();
    const std::string_view item = trim_fws(value.substr(start, comma - start));
    if (auto uri = parse_report_uri(item)) {
      out.push_back(std::move(*uri));
    } else {
      warnings.push_back(std::string(tag) + ": invalid URI '" + std::string(item) + "' ignored");
    }
    start = comma + 1;
  }
  return out;
}

// fo: 0 / 1 / d / s separated by ':'.
bool valid_fo(std::string_view value) {
  std::size_t start = 0;
  while (start <= value.size()) {
    std::size_t colon = value.find(':', start);
    if (colon == std::string_view::npos) colon = value.size();
    const std::string_view option = trim_fws(value.substr(start, colon - start));
    if (option != "0" && option != "1" && option != "d" && option != "s") return false;
    start = colon + 1;
  }
  return true;
}

// rf: report formats separated by ':'; RFC 7489 registered afrf (and iodef was once used).
bool valid_rf(std::string_view value) {
  std::size_t start = 0;
  while (start <= value.size()) {
    std::size_t colon = value.find(':', start);
    if (colon == std::string_view::npos) colon = value.size();
    const std::string option = ascii_lower(trim_fws(value.substr(start, colon - start)));
    if (option != "afrf" && option != "iodef") return false;
    start = colon + 1;
  }
  return true;
}

std::optional<AlignmentMode> parse_mode(std::string_view v) {
  const std::string s = ascii_lower(trim_fws(v));
  if (s == "r") return AlignmentMode::relaxed;
  if (s == "s") return AlignmentMode::strict;
  return std::nullopt;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool is_dmarc_record(std::string_view text) {
  std::size_t i = 0;
  const auto skip = [&] {
    while (i < text.size() && is_fws_char(text[i])) ++i;
  };
  skip();
  if (i >= text.size() || text[i] != 'v') return false;
  ++i;
  skip();
  if (i >= text.size() || text[i] != '=') return false;
  ++i;
  skip();
  if (text.substr(i, 6) != "DMARC1") return false;
  i += 6;
  return i == text.size() || text[i] == ';' || is_fws_char(text[i]);
}

std::optional<Policy> parse_policy(std::string_view text) {
  const std::string s = ascii_lower(trim_fws(text));
  if (s == "none") return Policy::none;
  if (s == "quarantine") return Policy::quarantine;
  if (s == "reject") return Policy::reject;
  return std::nullopt;
}

Result<DmarcRecord> parse_record(std::string_view text) {
  if (trim_fws(text).empty()) return make_error("empty record");
  if (!is_dmarc_record(text)) return make_error("record does not start with v=DMARC1");
  DmarcRecord record;
  auto tags = read_tag_specs(text, record.warnings);
  if (!tags) return make_error("bad tag list: " + tags.reason());

  bool p_seen = false;
  std::string invalid_policy_tag;  // the first of p, sp, np with a bad value
  std::vector<std::string>& warnings = record.warnings;
  const auto bad = [&](const TagView& tag) {
    warnings.push_back(std::string(tag.name) + "=" + std::string(tag.value) +
                       ": invalid value ignored");
  };
  for (const TagView& tag : *tags) {
    const std::string_view n = tag.name;
    const std::string_view v = tag.value;
    if (n == "v") {
      continue;  // checked above; read_tag_specs() refuses a second one
    } else if (n == "p" || n == "sp" || n == "np") {
      if (n == "p") p_seen = true;
      auto policy = parse_policy(v);
      if (!policy) {
        bad(tag);
        if (invalid_policy_tag.empty()) invalid_policy_tag = n;
        continue;
      }
      if (n == "p") record.p = policy;
      if (n == "sp") record.sp = policy;
      if (n == "np") record.np = policy;
    } else if (n == "adkim" || n == "aspf") {
      auto mode = parse_mode(v);
      if (!mode) {
        bad(tag);
        continue;
      }
      (n == "adkim" ? record.adkim : record.aspf) = *mode;
    } else if (n == "psd") {
      const std::string s = ascii_lower(trim_fws(v));
      if (s == "y") {
        record.psd = PsdFlag::yes;
      } else if (s == "n") {
        record.psd = PsdFlag::no;
      } else if (s == "u") {
        record.psd = PsdFlag::unset;
      } else {
        bad(tag);
      }
    } else if (n == "t") {
      const std::string s = ascii_lower(trim_fws(v));
      if (s == "y" || s == "n") {
        record.testing = s == "y";
      } else {
        bad(tag);
      }
    } else if (n == "fo") {
      if (valid_fo(ascii_lower(v))) {
        record.fo = without_whitespace(ascii_lower(v));
      } else {
        bad(tag);
      }
    } else if (n == "rua") {
      record.rua = parse_uri_list(v, n, warnings);
    } else if (n == "ruf") {
      record.ruf = parse_uri_list(v, n, warnings);
    } else if (n == "pct") {
      std::uint64_t pct = 0;
      if (parse_uint(v, pct) && pct <= 100) {
        record.pct = static_cast<unsigned>(pct);
      } else {
        bad(tag);
      }
    } else if (n == "rf") {
      if (valid_rf(v)) {
        record.rf = ascii_lower(without_whitespace(v));
      } else {
        bad(tag);
      }
    } else if (n == "ri") {
      std::uint64_t ri = 0;
      if (parse_uint(v, ri) && ri <= UINT32_MAX) {
        record.ri = static_cast<std::uint32_t>(ri);
      } else {
        bad(tag);
      }
    } else {
      record.unknown_tags.emplace_back(n);
    }
  }
  // RFC 9989 4.7 / RFC 7489 6.6.3: a missing or invalid p, or an invalid sp or np, leaves the
  // record usable only as p=none, and only when it names somewhere to send reports.
  if (!record.p || !invalid_policy_tag.empty()) {
    if (record.rua.empty()) {
      if (!invalid_policy_tag.empty()) {
        return make_error("invalid " + invalid_policy_tag + " tag and no valid rua tag");
      }
      return make_error(p_seen ? "invalid p tag and no valid rua tag"
                               : "no p tag and no valid rua tag");
    }
    record.p.reset();
    record.sp.reset();
    record.np.reset();
    warnings.push_back("no usable policy tags: treated as p=none because rua is valid");
  }
  return record;
}

std::string ReportUri::mailbox() const {
  if (uri.size() < 7 || ascii_lower(std::string_view(uri).substr(0, 7)) != "mailto:") return {};
  std::string out;
  for (std::size_t i = 7; i < uri.size(); ++i) {
    if (uri[i] == '%' && i + 2 < uri.size() && hex_digit(uri[i + 1]) >= 0 &&
        hex_digit(uri[i + 2]) >= 0) {
      const char c = static_cast<char>(hex_digit(uri[i + 1]) * 16 + hex_digit(uri[i + 2]));
      if (!is_fws_char(c)) out.push_back(c);
      i += 2;
    } else {
      out.push_back(uri[i]);
    }
  }
  return out;
}

std::string_view to_string(Policy policy) {
  switch (policy) {
    case Policy::none:
      return "none";
    case Policy::quarantine:
      return "quarantine";
    case Policy::reject:
      return "reject";
  }
  return "none";
}

std::string_view to_string(AlignmentMode mode) {
  return mode == AlignmentMode::strict ? "s" : "r";
}

std::string_view to_string(PsdFlag flag) {
  switch (flag) {
    case PsdFlag::yes:
      return "y";
    case PsdFlag::no:
      return "n";
    case PsdFlag::unset:
      return "u";
  }
  return "u";
}

std::string to_string(const DmarcRecord& r) {
  std::string out = "v=DMARC1";
  const auto add = [&](std::string_view tag, std::string_view value) {
    out += "; ";
    out += tag;
    out += '=';
    out += value;
  };
  if (r.p) add("p", to_string(*r.p));
  if (r.sp) add("sp", to_string(*r.sp));
  if (r.np) add("np", to_string(*r.np));
  add("adkim", to_string(r.adkim));
  add("aspf", to_string(r.aspf));
  if (r.psd != PsdFlag::unset) add("psd", to_string(r.psd));
  if (r.testing) add("t", "y");
  add("fo", r.fo);
  const auto uris = [](const std::vector<ReportUri>& list) {
    std::string s;
    for (const ReportUri& u : list) {
      if (!s.empty()) s += ',';
      s += u.uri;
    }
    return s;
  };
  if (!r.rua.empty()) add("rua", uris(r.rua));
  if (!r.ruf.empty()) add("ruf", uris(r.ruf));
  if (r.pct) add("pct", std::to_string(*r.pct));
  if (r.rf) add("rf", *r.rf);
  if (r.ri) add("ri", std::to_string(*r.ri));
  return out;
}

}  // namespace senderauth::dmarc
