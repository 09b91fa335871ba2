#include "senderauth/core/base64.hpp"

#include <array>
#include <cstdint>
#include <string>

#include "core/limits.hpp"
#include "senderauth/core/byte_text.hpp"

namespace senderauth {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<std::int8_t, 256> make_decode_table() {
  std::array<std::int8_t, 256> table{};
  for (auto& entry : table) entry = -1;
  for (int i = 0; i < 64; ++i)
    table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::int8_t>(i);
  return table;
}
constexpr auto kDecode = make_decode_table();

bool is_base64_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

}  // namespace

Result<std::string> base64_decode(std::string_view text) {
  if (text.size() > core_limits::kMaxBase64Input) {
    return make_error("base64 text longer than " + std::to_string(core_limits::kMaxBase64Input) +
                      " bytes");
  }
  // Written through a pointer into a buffer sized for the most the text can hold (whitespace
  // only shrinks it), then cut to what was written: no capacity check per byte.
  std::string out(text.size() / 4 * 3 + 3, '\0');
  char* w = out.data();
  std::uint32_t group = 0;  // up to four 6-bit values
  int in_group = 0;         // data characters in the current group
  int padding = 0;          // '=' seen so far
  std::size_t symbols = 0;  // data and '=' characters, whitespace excluded
  for (std::size_t i = 0; i < text.size(); ++i) {
    // Fast path: whole groups of four data characters (all of a value between folds).
    while (in_group == 0 && padding == 0 && text.size() - i >= 4) {
      const auto* g = reinterpret_cast<const unsigned char*>(text.data() + i);
      const int a = kDecode[g[0]], b = kDecode[g[1]], c = kDecode[g[2]], d = kDecode[g[3]];
      if ((a | b | c | d) < 0) break;
      const auto bits = static_cast<std::uint32_t>(a << 18 | b << 12 | c << 6 | d);
      *w++ = static_cast<char>(bits >> 16);
      *w++ = static_cast<char>((bits >> 8) & 0xff);
      *w++ = static_cast<char>(bits & 0xff);
      symbols += 4;
      i += 4;
    }
    if (i == text.size()) break;
    const auto c = static_cast<unsigned char>(text[i]);
    if (is_base64_space(static_cast<char>(c))) continue;
    ++symbols;
    if (c == '=') {
      // Padding may only fill the last one or two places of a group.
      if (in_group < 2) {
        return make_error("base64 padding '=' at offset " + std::to_string(i) +
                          " where data was expected");
      }
      ++padding;
      if (in_group + padding > 4) {
        return make_error("too much base64 padding at offset " + std::to_string(i));
      }
      continue;
    }
    if (kDecode[c] < 0) {
      return make_error("invalid base64 character " + describe_byte(c) + " at offset " +
                        std::to_string(i));
    }
    if (padding > 0) {
      return make_error("base64 data after padding at offset " + std::to_string(i));
    }
    group = (group << 6) | static_cast<std::uint32_t>(kDecode[c]);
    if (++in_group == 4) {
      *w++ = static_cast<char>((group >> 16) & 0xff);
      *w++ = static_cast<char>((group >> 8) & 0xff);
      *w++ = static_cast<char>(group & 0xff);
      group = 0;
      in_group = 0;
    }
  }
  if (in_group == 0 && padding == 0) {
    out.resize(static_cast<std::size_t>(w - out.data()));
    return out;
  }
  if (in_group + padding != 4) {
    return make_error("base64 text ends in an incomplete group (" + std::to_string(symbols % 4) +
                      " of 4 characters; missing padding?)");
  }
  // 2 data characters carry 1 byte, 3 carry 2; the unused low bits are ignored (RFC 4648 3.5
  // permits rejecting them, but real keys occasionally have them set).
  if (in_group == 2) {
    *w++ = static_cast<char>((group >> 4) & 0xff);
  } else {
    *w++ = static_cast<char>((group >> 10) & 0xff);
    *w++ = static_cast<char>((group >> 2) & 0xff);
  }
  out.resize(static_cast<std::size_t>(w - out.data()));
  return out;
}

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t v =
        (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16) |
        (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8) |
        static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 2]));
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back(kAlphabet[v & 63]);
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    const std::uint32_t v = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out += "==";
  } else if (rest == 2) {
    const std::uint32_t v =
        (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16) |
        (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8);
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back('=');
  }
  return out;
}

}  // namespace senderauth
