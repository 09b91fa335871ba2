// Both canonicalisers. The body canonicaliser is differential: the input fed in chunks (sizes
// from the first byte) must give the same output as fed at once, with and without l=, and the
// same as the input with every bare LF made CRLF (as MessageReader hands a body on to a sink
// that does not read bare LFs itself).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "senderauth/dkim/canonicalization.hpp"

namespace {

std::string canon(senderauth::dkim::Canonicalization c, std::string_view body, std::size_t chunk,
                  std::optional<std::uint64_t> limit) {
  std::string out;
  senderauth::dkim::BodyCanonicalizer bc(
      c, [&](std::string_view b) { out.append(b); }, limit);
  for (std::size_t i = 0; i < body.size(); i += chunk) bc.update(body.substr(i, chunk));
  bc.finish();
  if (limit && out.size() > *limit) __builtin_trap();
  return out;
}

std::string with_crlf(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out.push_back('\r');
    out.push_back(text[i]);
  }
  return out;
}

// WSP and line breaks (CRLF, or an LF read as one); a CR alone is data (RFC 5322 obs-unstruct).
bool is_space_at(std::string_view text, std::size_t i) {
  const char c = text[i];
  return c == ' ' || c == '\t' || c == '\n' ||
         (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n');
}

std::string without_spaces(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!is_space_at(text, i)) out.push_back(text[i]);
  }
  return out;
}

// What RFC 6376 3.4.2 leaves of a field, checked on the output rather than recomputed: the
// value keeps every other byte in order (a bare CR among them), has no TAB, line break, run of
// spaces or space at either end (the name part is compared as the same bytes without spaces,
// lower-cased).
void check_relaxed_header(std::string_view raw, const std::string& out) {
  const auto colon = raw.find(':');
  const std::string_view value = std::string_view(out).substr(0, out.size() - 2);
  const auto out_colon = value.find(':');
  if (out_colon == std::string_view::npos) __builtin_trap();
  const std::string_view in_value =
      colon == std::string_view::npos ? std::string_view() : raw.substr(colon + 1);
  const std::string_view out_value = value.substr(out_colon + 1);
  if (colon != std::string_view::npos && without_spaces(in_value) != without_spaces(out_value)) {
    __builtin_trap();
  }
  for (std::size_t i = 0; i < out_value.size(); ++i) {
    const char ch = out_value[i];
    if (ch == '\t' || ch == '\n' || is_space_at(out_value, i) != (ch == ' ')) __builtin_trap();
    if (ch == ' ' && (i == 0 || i + 1 == out_value.size() || out_value[i + 1] == ' ')) {
      __builtin_trap();
    }
  }
}

// RFC 6376 5.4.2's selection has two paths (a scan for a short h= list over a short header
// section, an index above 4096 pairs): both must pick the same fields. The input's lines are the
// fields and h= names their names (some upper-cased); the same list padded with names no field
// has (a colon cannot be in a name) takes the index path and must give the same bytes.
void check_selection_paths(std::string_view text) {
  senderauth::message::HeaderList headers;
  for (std::size_t start = 0; start < text.size() && headers.size() < 64;) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    headers.emplace_back(std::string(text.substr(start, end - start)) + "\r\n");
    start = end + 1;
  }
  if (headers.empty()) return;
  std::vector<std::string> names;
  for (std::size_t i = 0; i < text.size() && names.size() < 48; ++i) {
    const auto pick = static_cast<unsigned char>(text[i]);
    std::string name(headers[pick % headers.size()].name());
    if (pick & 0x80) {
      for (char& c : name) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
    }
    names.push_back(std::move(name));
  }
  if (names.size() * headers.size() > 4096) return;
  using senderauth::dkim::Canonicalization;
  const std::string scanned =
      senderauth::dkim::header_hash_input(Canonicalization::simple, headers, names, "b=\r\n");
  names.resize(4097, ":");
  if (senderauth::dkim::header_hash_input(Canonicalization::simple, headers, names, "b=\r\n") !=
      scanned) {
    __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using senderauth::dkim::Canonicalization;
  if (size < 2) return 0;
  std::size_t chunk = data[0] % 17 + 1;
  std::uint64_t limit = data[1];
  std::string_view text(reinterpret_cast<const char*>(data + 2), size - 2);
  for (auto c : {Canonicalization::simple, Canonicalization::relaxed}) {
    std::string whole = canon(c, text, text.size() + 1, std::nullopt);
    if (canon(c, text, chunk, std::nullopt) != whole) __builtin_trap();
    if (canon(c, text, chunk, limit) != whole.substr(0, limit)) __builtin_trap();
    if (canon(c, with_crlf(text), chunk, std::nullopt) != whole) __builtin_trap();
    std::string header;
    senderauth::dkim::canonicalize_header(c, text, header);
    if (header.size() < 2 || header.substr(header.size() - 2) != "\r\n") __builtin_trap();
    if (c == Canonicalization::relaxed) check_relaxed_header(text, header);
  }
  senderauth::message::HeaderList headers = {senderauth::message::HeaderField(std::string(text))};
  (void)senderauth::dkim::header_hash_input(Canonicalization::relaxed, headers,
                                            {"from", std::string(text.substr(0, 8))},
                                            "DKIM-Signature: b=\r\n");
  check_selection_paths(text);
  return 0;
}
