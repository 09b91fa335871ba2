#include "senderauth/core/idna.hpp"

#include <idn2.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>

#include "senderauth/core/byte_text.hpp"
#include "senderauth/core/domain_name.hpp"
#include "senderauth/core/utf8.hpp"

namespace senderauth {

namespace {

// UTS #46 maps these to '.': in a name written in U-labels they separate labels as an ASCII dot
// does (U+3002 IDEOGRAPHIC, U+FF0E FULLWIDTH and U+FF61 HALFWIDTH IDEOGRAPHIC FULL STOP).
constexpr std::array<std::string_view, 3> kWideFullStops = {"\xe3\x80\x82", "\xef\xbc\x8e",
                                                            "\xef\xbd\xa1"};

bool is_wide_full_stop(std::string_view character) {
  for (std::string_view stop : kWideFullStops) {
    if (character == stop) return true;
  }
  return false;
}

// The UTF-8 character at the start of `text` (one byte when it is ASCII or not well-formed).
std::string_view first_character(std::string_view text) {
  const std::size_t length = utf8_sequence_length(text);
  return text.substr(0, length == 0 ? 1 : length);
}

std::string code_point_name(std::string_view character) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(character[i]); };
  std::uint32_t cp = byte(0);
  if (character.size() == 2) cp = ((cp & 0x1fU) << 6U) | (byte(1) & 0x3fU);
  if (character.size() == 3) {
    cp = ((cp & 0x0fU) << 12U) | ((byte(1) & 0x3fU) << 6U) | (byte(2) & 0x3fU);
  }
  if (character.size() == 4) {
    cp = ((cp & 0x07U) << 18U) | ((byte(1) & 0x3fU) << 12U) | ((byte(2) & 0x3fU) << 6U) |
         (byte(3) & 0x3fU);
  }
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string digits;
  for (int shift = 20; shift >= 0; shift -= 4) {
    const char digit = kHex[(cp >> static_cast<unsigned>(shift)) & 0xfU];
    if (digit != '0' || !digits.empty() || shift < 16) digits.push_back(digit);
  }
  return "U+" + digits;
}

// libidn2's lookup conversion: UTS #46 non-transitional mapping, then IDNA2008.
Result<std::string> idn2_lookup(std::string_view text) {
  const std::string input(text);  // libidn2 takes a NUL-terminated string
  std::uint8_t* output = nullptr;
  const int rc = idn2_lookup_u8(reinterpret_cast<const std::uint8_t*>(input.c_str()), &output,
                                IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
  const std::unique_ptr<std::uint8_t, decltype(&idn2_free)> owned(output, &idn2_free);
  if (rc != IDN2_OK) {
    return make_error("not a valid internationalised domain name (" +
                      std::string(idn2_strerror(rc)) + ")");
  }
  return std::string(reinterpret_cast<const char*>(output));
}

bool host_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

// What makes `ascii` (the converted name, without its root dot) no host name of
// `expected_labels` labels; empty when it is one.
std::string host_name_problem(std::string_view ascii, std::size_t expected_labels) {
  if (ascii.size() > kMaxDomainLength) {
    return "longer than " + std::to_string(kMaxDomainLength) + " octets";
  }
  std::size_t labels = 0;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = std::min(ascii.find('.', start), ascii.size());
    const std::string_view label = ascii.substr(start, dot - start);
    ++labels;
    if (label.empty()) return "has an empty label";
    if (label.size() > kMaxLabelLength) {
      return "has a label longer than " + std::to_string(kMaxLabelLength) + " octets";
    }
    for (const char c : label) {
      if (!host_name_char(c)) {
        const auto byte = static_cast<unsigned char>(c);
        return "has " + (c == ' ' ? std::string("a space") : describe_byte(byte));
      }
    }
    if (label.front() == '-' || label.back() == '-') {
      return "has a label that starts or ends with a hyphen";
    }
    if (dot == ascii.size()) break;
    start = dot + 1;
  }
  // A character mapped to a dot (U+2488 "1." and its kind) would split a label the reader saw
  // as one; the name looked up would not be the name shown.
  if (labels != expected_labels) return "has a label separator that was not in the name";
  return {};
}

// The character of `domain` that UTS #46 maps to something a host name cannot hold, and what
// it maps to ("U+00A0 maps to a space"); empty when no single character is to blame.
std::string culprit(std::string_view domain) {
  for (std::size_t i = 0; i < domain.size();) {
    const std::string_view character = first_character(domain.substr(i));
    i += character.size();
    if (character.size() == 1 || is_wide_full_stop(character)) continue;
    auto mapped = idn2_lookup(character);
    if (!mapped) continue;
    for (const char c : *mapped) {
      if (!host_name_char(c)) {
        const auto byte = static_cast<unsigned char>(c);
        return code_point_name(character) + " maps to " +
               (c == ' ' ? std::string("a space") : describe_byte(byte));
      }
    }
  }
  return {};
}

// The code point of the decoded label `u_label` that makes it no U-label: one that IDNA2008
// disallows, or one UTS #46 maps to another (U+00AD to nothing, U+00DC to U+00FC), so that the
// label as a reader may be shown it is not the label DNS is asked for. Empty when no single
// code point is to blame (the bidi rules, a hyphen in the third and fourth places).
std::string a_label_culprit(std::string_view u_label) {
  for (std::size_t i = 0; i < u_label.size();) {
    const std::string_view character = first_character(u_label.substr(i));
    i += character.size();
    if (character.size() == 1) continue;
    auto mapped = idn2_lookup(character);
    char* back = nullptr;
    const bool same = mapped && idn2_to_unicode_8z8z(mapped->c_str(), &back, 0) == IDN2_OK &&
                      back != nullptr && std::string_view(back) == character;
    idn2_free(back);
    if (!same) return code_point_name(character);
  }
  return {};
}

// Why the A-label `label` (lower case, "xn--" first) is no A-label; empty when it is one.
std::string a_label_problem(std::string_view label) {
  const std::string text(label);
  char* decoded = nullptr;
  const int rc = idn2_to_unicode_8z8z(text.c_str(), &decoded, 0);
  const std::unique_ptr<char, decltype(&idn2_free)> owned(decoded, &idn2_free);
  if (rc != IDN2_OK || decoded == nullptr) return "its Punycode does not decode";
  auto converted = idn2_lookup(decoded);
  if (converted && *converted == label) return {};
  if (std::string who = a_label_culprit(decoded); !who.empty()) {
    return "it decodes to " + who + ", which IDNA2008 does not allow in a name";
  }
  if (!converted) return converted.reason();
  return "it is not the A-label of what it decodes to";
}

}  // namespace

Result<void> check_a_labels(std::string_view name) {
  std::size_t start = 0;
  while (start < name.size()) {
    const std::size_t dot = std::min(name.find('.', start), name.size());
    const std::string_view label = name.substr(start, dot - start);
    if (iequals(label.substr(0, 4), "xn--")) {
      const std::string lowered = ascii_lower(label);
      if (std::string problem = a_label_problem(lowered); !problem.empty()) {
        return make_error("\"" + lowered + "\" is not a valid A-label (" + problem + ")");
      }
    }
    start = dot + 1;
  }
  return {};
}

bool is_ascii(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

Result<std::string> domain_to_a_labels(std::string_view domain) {
  if (is_ascii(domain)) return ascii_lower(domain);
  if (domain.find('\0') != std::string_view::npos) return make_error("NUL byte in domain");
  // Bounds the conversion's work (Punycode is quadratic in a label's length); four octets of
  // UTF-8 for each of the 253 a converted name may have is more than any real name writes.
  if (domain.size() > 4 * kMaxDomainLength) {
    return make_error("longer than " + std::to_string(4 * kMaxDomainLength) +
                      " octets before conversion to A-labels");
  }
  // Labels as the name is written: split on '.' and the wide full stops. The root dot may only
  // be an ASCII '.': "bank.test。" is refused as "bank.test." is in a From: address, rather than
  // be read as a name the ASCII form of which would be refused.
  std::size_t labels = 1;
  bool ascii_root_dot = false;
  for (std::size_t i = 0; i < domain.size();) {
    const std::string_view character = first_character(domain.substr(i));
    i += character.size();
    const bool last = i == domain.size();
    if (character == ".") {
      if (last) {
        ascii_root_dot = true;
      } else {
        ++labels;
      }
    } else if (is_wide_full_stop(character)) {
      if (last)
        return make_error("not a domain name: it ends with " + code_point_name(character) +
                          " (a root dot must be '.')");
      ++labels;
    }
  }
  auto mapped = idn2_lookup(domain);
  if (!mapped) return mapped;
  std::string ascii = ascii_lower(*mapped);
  if (ascii_root_dot && !ascii.empty() && ascii.back() == '.') ascii.pop_back();
  // libidn2 maps without STD3 rules: a no-break space, "＠" or "＞" becomes the ASCII character,
  // which would make "bank.test\u00a0" the name "bank.test " (no DMARC policy) while the reader
  // sees bank.test. Its STD3 flag deletes such characters instead of refusing them.
  if (std::string problem = host_name_problem(ascii, labels); !problem.empty()) {
    std::string why = culprit(domain);
    if (why.empty()) why = "it " + problem;
    return make_error("not a host name once converted to A-labels (" + why + ")");
  }
  return ascii;
}

}  // namespace senderauth
