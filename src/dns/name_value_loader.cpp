#include "name_value_loader.hpp"

#include <utility>

#include "master_file_lexer.hpp"
#include "zone_limits.hpp"

namespace senderauth::dns::name_value {

namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  return text;
}

// `"a" "b"` → "ab": every token must be a quoted string.
Result<std::string> joined_quoted_strings(std::string_view value) {
  auto entries = master_file::split_entries(value);
  if (!entries) return entries.error();
  std::string joined;
  for (const auto& entry : *entries) {
    for (const auto& token : entry.tokens) {
      if (!token.quoted) return make_error("'" + token.raw + "' outside quotes");
      auto text = master_file::decode_character_string(token.raw);
      if (!text) return text.error();
      joined += *text;
    }
  }
  return joined;
}

std::vector<std::string> cut_into_strings(const std::string& text) {
  std::vector<std::string> strings;
  for (std::size_t pos = 0; pos < text.size(); pos += zone_limits::kMaxCharacterString) {
    strings.push_back(text.substr(pos, zone_limits::kMaxCharacterString));
  }
  if (strings.empty()) strings.emplace_back();
  return strings;
}

Result<void> parse_line(std::string_view line, ZoneContent& out) {
  const auto split = line.find_first_of(" \t");
  if (split == std::string_view::npos) return make_error("owner name without a value");
  const auto raw_owner = line.substr(0, split);
  auto owner = checked_zone_name(raw_owner);
  if (!owner) return make_error("name '" + std::string(raw_owner) + "': " + owner.reason());
  std::string_view value = line.substr(split);
  while (!value.empty() && is_blank(value.front())) value.remove_prefix(1);
  if (!value.empty() && value.back() == '\r') value.remove_suffix(1);
  const auto marker = trim(value);
  if (marker.empty()) return make_error("owner name without a value");
  if (marker == "NXDOMAIN") return {};
  if (marker == "~~SERVFAIL~~" || marker == "~~Query timed out~~") {
    out.failures.push_back(
        InjectedFailure{*owner, marker == "~~SERVFAIL~~" ? Status::servfail : Status::timeout,
                        FailureScope::all_types});
    out.existing_names.push_back(*owner);
    return {};
  }
  std::string text;
  if (value.front() == '"') {
    auto joined = joined_quoted_strings(marker);
    if (!joined) return make_error("quoted value: " + joined.reason());
    text = std::move(joined).value();
  } else {
    text = std::string(value);
  }
  if (out.records.size() >= zone_limits::kMaxRecords) {
    return make_error("more than " + std::to_string(zone_limits::kMaxRecords) + " records");
  }
  ZoneRecord rr;
  rr.owner = std::move(owner).value();
  rr.type = RecordType::TXT;
  rr.ttl = kRecordTtl;
  rr.strings = cut_into_strings(text);
  out.records.push_back(std::move(rr));
  return {};
}

}  // namespace

Result<ZoneContent> parse(std::string_view text) {
  ZoneContent content;
  std::size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const auto end = text.find('\n');
    const auto line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    const auto significant = trim(line);
    if (significant.empty() || significant.front() == '#' || significant.front() == ';') continue;
    if (is_blank(line.front())) {
      return make_error("line " + std::to_string(line_number) + ": starts with white space");
    }
    if (auto parsed = parse_line(line, content); !parsed) {
      return make_error("line " + std::to_string(line_number) + ": " + parsed.reason());
    }
  }
  return content;
}

}  // namespace senderauth::dns::name_value
