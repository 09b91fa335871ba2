// RFC 2047 decoding for display names. Lenient where senders are sloppy (missing base64
// padding), strict about the word's shape so that ordinary atoms are never "decoded".
#include <iconv.h>

#include <cerrno>
#include <string>

#include "senderauth/message/address_encoded_word.hpp"

namespace senderauth::message {

namespace {

constexpr std::size_t kMaxEncodedWord = 4096;  // RFC 2047 says 75; real mail is longer

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

std::optional<std::string> decode_b(std::string_view text) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  std::size_t i = 0;
  for (; i < text.size() && text[i] != '='; ++i) {
    const int v = base64_value(text[i]);
    if (v < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  for (; i < text.size(); ++i) {
    if (text[i] != '=') return std::nullopt;  // data after padding
  }
  return out;
}

std::optional<std::string> decode_q(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '_') {
      out.push_back(' ');
    } else if (c == '=') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int hi = hex_value(text[i + 1]);
      const int lo = hex_value(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::optional<std::string> to_utf8(const std::string& charset, const std::string& bytes) {
  if (charset == "utf-8" || charset == "utf8" || charset == "us-ascii" || charset == "ascii") {
    return bytes;
  }
  if (charset == "iso-8859-1" || charset == "latin1" || charset == "iso8859-1") {
    std::string out;
    for (char ch : bytes) {
      const auto c = static_cast<unsigned char>(ch);
      if (c < 0x80) {
        out.push_back(ch);
      } else {
        out.push_back(static_cast<char>(0xC0 | (c >> 6)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
      }
    }
    return out;
  }
  iconv_t cd = iconv_open("UTF-8", charset.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) return std::nullopt;
  std::string out(bytes.size() * 4 + 16, '\0');
  std::string in = bytes;
  char* in_ptr = in.data();
  std::size_t in_left = in.size();
  char* out_ptr = out.data();
  std::size_t out_left = out.size();
  const std::size_t rc = iconv(cd, &in_ptr, &in_left, &out_ptr, &out_left);
  iconv_close(cd);
  if (rc == static_cast<std::size_t>(-1)) return std::nullopt;
  out.resize(out.size() - out_left);
  return out;
}

}  // namespace

std::optional<std::string> decode_encoded_word(std::string_view word) {
  if (word.size() < 8 || word.size() > kMaxEncodedWord) return std::nullopt;
  if (word.substr(0, 2) != "=?" || word.substr(word.size() - 2) != "?=") return std::nullopt;
  const std::string_view inner = word.substr(2, word.size() - 4);
  const std::size_t q1 = inner.find('?');
  if (q1 == std::string_view::npos || q1 == 0) return std::nullopt;
  const std::size_t q2 = inner.find('?', q1 + 1);
  if (q2 != q1 + 2) return std::nullopt;
  std::string_view charset = inner.substr(0, q1);
  if (const std::size_t star = charset.find('*'); star != std::string_view::npos) {
    charset = charset.substr(0, star);  // RFC 2231 language suffix
  }
  const char encoding = inner[q1 + 1];
  const std::string_view text = inner.substr(q2 + 1);
  if (text.find('?') != std::string_view::npos || text.find(' ') != std::string_view::npos) {
    return std::nullopt;
  }
  std::optional<std::string> bytes;
  if (encoding == 'B' || encoding == 'b') {
    bytes = decode_b(text);
  } else if (encoding == 'Q' || encoding == 'q') {
    bytes = decode_q(text);
  }
  if (!bytes) return std::nullopt;
  return to_utf8(lower(charset), *bytes);
}

std::string decode_phrase(std::string_view phrase) {
  std::string out;
  bool previous_encoded = false;
  std::size_t i = 0;
  std::string pending_space;
  while (i < phrase.size()) {
    std::size_t j = i;
    while (j < phrase.size() && phrase[j] != ' ' && phrase[j] != '\t') ++j;
    const std::string_view word = phrase.substr(i, j - i);
    std::size_t k = j;
    while (k < phrase.size() && (phrase[k] == ' ' || phrase[k] == '\t')) ++k;
    if (auto decoded = decode_encoded_word(word)) {
      if (!previous_encoded) out += pending_space;
      out += *decoded;
      previous_encoded = true;
    } else {
      out += pending_space;
      out += word;
      previous_encoded = false;
    }
    pending_space = std::string(phrase.substr(j, k - j));
    i = k;
  }
  if (!previous_encoded) out += pending_space;
  return out;
}

}  // namespace senderauth::message
