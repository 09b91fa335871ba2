#include "senderauth/spf/received_spf.hpp"

#include <string>

#include "senderauth/core/header_text.hpp"
#include "senderauth/core/utf8.hpp"
#include "senderauth/spf/spf_identity.hpp"

namespace senderauth::spf {

namespace {

// The sanitised form of `text`: `text` itself when clean, else a copy in `buffer`.
std::string_view sanitized(std::string_view text, std::size_t max_length, bool utf8,
                           std::string& buffer) {
  if (is_clean_header_text(text, max_length)) return text;
  buffer = sanitize_header_text(text, max_length, utf8);
  return buffer;
}

void append_sanitized(std::string& out, std::string_view text, std::size_t max_length, bool utf8) {
  std::string buffer;
  out += sanitized(text, max_length, utf8, buffer);
}

// The most a value takes once written, quotes and escapes included: "key=value;" then fits a
// line of RFC 5322's 998 octets (2.1.1) whatever the value holds. Sanitising cuts the text to
// 512 octets, but quoting may double it ('"' and '\\' are escaped): the cut must come after.
constexpr std::size_t kMaxWrittenValue = 512;

// `clean` is sanitised already (at most kMaxWrittenValue octets). A quoted-string is cut at
// kMaxWrittenValue octets, never inside an escape or a UTF-8 character.
void append_header_value(std::string& out, std::string_view clean, bool utf8) {
  if (is_dot_atom(clean, utf8)) {
    out += clean;
    return;
  }
  out.push_back('"');
  std::size_t room = kMaxWrittenValue - 2;
  if (2 * clean.size() <= room) {  // fits even if every byte is escaped: the usual case
    append_escaped(out, clean, [](char c) { return c == '"' || c == '\\'; });
    out.push_back('"');
    return;
  }
  for (std::size_t i = 0; i < clean.size();) {
    const auto byte = static_cast<unsigned char>(clean[i]);
    std::size_t length = utf8 && byte >= 0x80 ? utf8_sequence_length(clean.substr(i)) : 1;
    if (length == 0) length = 1;
    const bool escape = clean[i] == '"' || clean[i] == '\\';
    const std::size_t size = length + (escape ? 1 : 0);
    if (size > room) break;
    if (escape) out.push_back('\\');
    out.append(clean.substr(i, length));
    room -= size;
    i += length;
  }
  out.push_back('"');
}

void append_verdict_comment(std::string& text, const SpfResult& r, std::string_view receiver,
                            bool utf8) {
  append_sanitized(text, receiver, 128, false);
  text += ": ";
  const std::string ip = r.client_ip.to_string();
  const bool helo = r.identity == SpfIdentity::helo;
  auto subject = [&] {
    text += "domain of ";
    append_sanitized(text, helo ? std::string_view(r.domain) : std::string_view(r.sender), 256,
                     utf8);
  };
  switch (r.verdict) {
    case SpfVerdict::pass:
      subject();
      ((text += " designates ") += ip) += " as permitted sender";
      break;
    case SpfVerdict::fail:
      subject();
      ((text += " does not designate ") += ip) += " as permitted sender";
      break;
    case SpfVerdict::softfail:
      text += "transitioning ";
      subject();
      ((text += " does not designate ") += ip) += " as permitted sender";
      break;
    case SpfVerdict::neutral:
      (text += ip) += " is neither permitted nor denied by ";
      subject();
      break;
    case SpfVerdict::none:
      subject();
      text += " does not designate permitted sender hosts";
      break;
    case SpfVerdict::temperror:
      text += "temporary error checking ";
      subject();
      break;
    case SpfVerdict::permerror:
      text += "permanent error in the SPF policy of ";
      append_sanitized(text, r.domain, 256, utf8);
      break;
  }
}

void add_pair(std::string& out, std::string_view key, std::string_view value, bool utf8) {
  out += ' ';
  out += key;
  out += '=';
  std::string buffer;
  append_header_value(out, sanitized(value, kMaxWrittenValue, utf8, buffer), utf8);
  out += ';';
}

}  // namespace

std::string sanitize_header_text(std::string_view text, std::size_t max_length, bool utf8) {
  std::string out;
  out.reserve(std::min(text.size(), max_length));
  bool pending_space = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    auto byte = static_cast<unsigned char>(c);
    if (byte == ' ' || byte == '\t' || byte == '\r' || byte == '\n') {
      pending_space = !out.empty();  // runs of white space (and line breaks) become one space
      continue;
    }
    if (pending_space) {
      if (out.size() + 1 >= max_length) break;
      out.push_back(' ');
      pending_space = false;
    }
    if (out.size() >= max_length) break;
    if (const std::size_t length = utf8 && byte >= 0x80 ? utf8_sequence_length(text.substr(i)) : 0;
        length != 0) {
      const UnicodeControl control = unicode_control(text.substr(i, length));
      if (control == UnicodeControl::line_break) {  // a line break to some readers: a space
        pending_space = !out.empty();
        i += length - 1;
        continue;
      }
      if (control == UnicodeControl::format) {
        out.push_back('?');
        i += length - 1;
        continue;
      }
      if (out.size() + length > max_length) break;  // never half a character
      out.append(text.substr(i, length));
      i += length - 1;
      continue;
    }
    out.push_back((byte < 0x20 || byte >= 0x7f) ? '?' : c);
  }
  return out;
}

std::string header_value(std::string_view text, bool utf8) {
  std::string out;
  std::string buffer;
  append_header_value(out, sanitized(text, kMaxWrittenValue, utf8, buffer), utf8);
  return out;
}

std::string comment_text(std::string_view text, bool utf8) {
  std::string out;
  std::string buffer;
  append_comment_text(out, sanitized(text, 512, utf8, buffer));
  return out;
}

std::string format_received_spf(const SpfResult& result, std::string_view receiver, bool utf8) {
  std::string out;
  out.reserve(256);
  out += "Received-SPF: ";
  out += to_string(result.verdict);
  out += " (";
  // Its parts are sanitised, but joining them may still leave a double space (an empty
  // sender): the whole comment is checked again.
  std::string comment;
  append_verdict_comment(comment, result, receiver, utf8);
  std::string buffer;
  append_comment_text(out, sanitized(comment, 512, utf8, buffer));
  out += ')';
  add_pair(out, "client-ip", result.client_ip.to_string(), utf8);
  if (result.identity == SpfIdentity::mailfrom) {
    add_pair(out, "envelope-from", result.sender, utf8);
  }
  // The A-labels SPF checked, whichever identity this is (README; RFC 8616).
  if (const std::string helo = helo_domain(result.helo); !helo.empty()) {
    add_pair(out, "helo", helo, utf8);
  }
  if (!receiver.empty()) add_pair(out, "receiver", receiver, utf8);
  if (!result.mechanism.empty()) add_pair(out, "mechanism", result.mechanism, utf8);
  if (!result.problem.empty() &&
      (result.verdict == SpfVerdict::permerror || result.verdict == SpfVerdict::temperror)) {
    add_pair(out, "problem", result.problem, utf8);
  }
  // Last, after the pairs that quote a record's text: SpamAssassin's SPF plugin takes the last
  // "identity=" in the field, and a mechanism such as exists:identity=helo.evil.example made it
  // file a MAIL FROM result as a HELO one.
  add_pair(out, "identity", to_string(result.identity), utf8);
  if (out.back() == ';') out.pop_back();
  return out;
}

}  // namespace senderauth::spf
