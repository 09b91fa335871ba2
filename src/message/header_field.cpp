#include "senderauth/message/header_field.hpp"

#include <optional>
#include <utility>

#include "senderauth/core/domain_name.hpp"
#include "senderauth/core/header_text.hpp"

namespace senderauth::message {

namespace {
char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
}  // namespace

HeaderField::HeaderField(std::string raw) : raw_(std::move(raw)) {
  colon_ = raw_.find(':');
  if (colon_ == std::string::npos) colon_ = raw_.size();
  name_end_ = field_name_before_colon(std::string_view(raw_).substr(0, colon_)).size();
  for (std::size_t cr = raw_.find('\r'); cr != std::string::npos; cr = raw_.find('\r', cr + 1)) {
    if (cr + 1 == raw_.size() || raw_[cr + 1] != '\n') {
      bare_cr_ = true;
      break;
    }
  }
}

std::string_view field_name_before_colon(std::string_view before_colon) {
  while (!before_colon.empty() && is_wsp(before_colon.back())) before_colon.remove_suffix(1);
  return before_colon;
}

std::size_t single_instance_field(std::string_view name) {
  // Called for every field of every signed message: the length and first letter pick the one
  // candidate (two for "Date"/"From" and "Message-ID"/"References") before any comparison.
  auto is = [&](std::size_t i) {
    const std::string_view known = kSingleInstanceFields[i];
    for (std::size_t k = 1; k < name.size(); ++k) {
      if (lower(known[k]) != lower(name[k])) return false;
    }
    return true;
  };
  const std::size_t none = kSingleInstanceFieldCount;
  if (name.size() < 2) return none;
  switch (name.size()) {
    case 2:
      if (lower(name[0]) == 't') return is(4) ? 4 : none;
      return lower(name[0]) == 'c' && is(5) ? 5 : none;
    case 3:
      return lower(name[0]) == 'b' && is(6) ? 6 : none;
    case 4:
      if (lower(name[0]) == 'd') return is(0) ? 0 : none;
      return lower(name[0]) == 'f' && is(1) ? 1 : none;
    case 6:
      return lower(name[0]) == 's' && is(2) ? 2 : none;
    case 7:
      return lower(name[0]) == 's' && is(10) ? 10 : none;
    case 8:
      return lower(name[0]) == 'r' && is(3) ? 3 : none;
    case 10:
      if (lower(name[0]) == 'm') return is(7) ? 7 : none;
      return lower(name[0]) == 'r' && is(9) ? 9 : none;
    case 11:
      return lower(name[0]) == 'i' && is(8) ? 8 : none;
    case 12:
      return lower(name[0]) == 'c' && is(11) ? 11 : none;
    case 25:
      return lower(name[0]) == 'c' && is(12) ? 12 : none;
    default:
      return none;
  }
}

std::string_view HeaderField::value() const {
  if (colon_ >= raw_.size()) return {};
  std::string_view v = std::string_view(raw_).substr(colon_ + 1);
  if (v.size() >= 2 && v.substr(v.size() - 2) == "\r\n") v.remove_suffix(2);
  return v;
}

bool HeaderField::name_equals(std::string_view name) const {
  std::string_view mine = this->name();
  for (std::size_t i = 0; i < mine.size(); ++i) {
    if (lower(mine[i]) != lower(name[i])) return false;
  }
  return true;
}

namespace {

// After a bare CR at `raw`[`at` - 1]: the value of a field `name` starting at `at` (`name`,
// optional WSP, ':', the value up to a line break that no WSP follows), as a reader that ends
// lines at a bare CR reads it; nothing when no such field starts there.
std::optional<std::string> field_at(std::string_view raw, std::size_t at, std::string_view name) {
  if (raw.size() - at < name.size() || !iequals(raw.substr(at, name.size()), name)) {
    return std::nullopt;
  }
  std::size_t pos = at + name.size();
  while (pos < raw.size() && is_wsp(raw[pos])) ++pos;
  if (pos == raw.size() || raw[pos] != ':') return std::nullopt;
  const std::size_t start = pos + 1;
  for (pos = start; pos < raw.size(); ++pos) {
    if (raw[pos] != '\r' && raw[pos] != '\n') continue;
    std::size_t next = pos + 1;
    if (raw[pos] == '\r' && next < raw.size() && raw[next] == '\n') ++next;
    if (next == raw.size() || !is_wsp(raw[next])) break;
  }
  return std::string(raw.substr(start, pos - start));
}

}  // namespace

std::vector<std::string> values_behind_bare_cr(const HeaderField& field, std::string_view name) {
  std::vector<std::string> out;
  if (!field.has_bare_cr()) return out;
  const std::string& raw = field.raw();
  for (std::size_t cr = raw.find('\r'); cr != std::string::npos; cr = raw.find('\r', cr + 1)) {
    if (cr + 1 < raw.size() && raw[cr + 1] == '\n') continue;  // CRLF: a line end we share
    if (auto hidden = field_at(raw, cr + 1, name)) out.push_back(std::move(*hidden));
  }
  return out;
}

std::string unfold(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '\r' && i + 1 < value.size() && value[i + 1] == '\n') {
      ++i;
      continue;
    }
    if (value[i] == '\n') continue;
    out.push_back(value[i]);
  }
  std::size_t b = 0;
  while (b < out.size() && is_wsp(out[b])) ++b;
  std::size_t e = out.size();
  while (e > b && is_wsp(out[e - 1])) --e;
  return out.substr(b, e - b);
}

std::string fold(std::string_view field, std::size_t max_line, std::string_view line_ending) {
  std::string out;
  out.reserve(field.size() + field.size() / 32 * line_ending.size());
  // The first fold point is the space after the first word of the value.
  std::size_t start = field.find(':');
  start = start == std::string_view::npos ? 0 : start + 1;
  while (start < field.size() && field[start] == ' ') ++start;
  start = field.find(' ', start);
  if (start == std::string_view::npos) return std::string(field);
  out.append(field.substr(0, start));
  std::size_t line = start;  // characters on the current line
  std::size_t i = start;
  while (i < field.size()) {
    // The next piece: this space, any further spaces, and the word after them.
    std::size_t word = i;
    while (word < field.size() && field[word] == ' ') ++word;
    std::size_t end = field.find(' ', word);
    if (end == std::string_view::npos) end = field.size();
    const std::size_t piece = end - i;
    if (line + piece > max_line && line > 0) {
      out.append(line_ending);
      line = 0;
    }
    out.append(field.substr(i, piece));
    line += piece;
    i = end;
  }
  return out;
}

}  // namespace senderauth::message
