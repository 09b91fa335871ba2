// Line ends of test messages: peers and suites hand over LF-only text, the wire carries CRLF.
#pragma once

#include <string>
#include <string_view>

namespace senderauth::testing {

// Every CRLF as LF (a CR alone stays).
inline std::string to_lf(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    out.push_back(text[i]);
  }
  return out;
}

// Every LF not preceded by CR as CRLF.
inline std::string to_crlf(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 16);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out += '\r';
    out += text[i];
  }
  return out;
}

}  // namespace senderauth::testing
