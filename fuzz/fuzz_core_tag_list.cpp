// TagList::parse and base64 on arbitrary bytes: no crash, and every accepted list obeys the
// grammar it was checked against (so a parser bug shows up as an abort, not silently). The
// UTF-8 mode (RFC 8616) accepts all that ASCII mode does, the same way, and no ill-formed UTF-8.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/limits.hpp"
#include "senderauth/core/base64.hpp"
#include "senderauth/core/tag_list.hpp"
#include "senderauth/core/utf8.hpp"

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_wsp_or_break(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

void check_tag(const senderauth::Tag& tag) {
  check(!tag.name.empty() && is_alpha(tag.name.front()));
  for (const char c : tag.name) check(is_alpha(c) || (c >= '0' && c <= '9') || c == '_');
  if (!tag.value.empty()) {
    check(!is_wsp_or_break(tag.value.front()) && !is_wsp_or_break(tag.value.back()));
  }
  for (const char c : tag.value) {
    const auto b = static_cast<unsigned char>(c);
    check(c != ';' && b < 0x7f && (b >= 0x21 || is_wsp_or_break(c)));
  }
}

void check_base64(std::string_view text) {
  auto decoded = senderauth::base64_decode(text);
  if (!decoded) {
    check(!decoded.reason().empty());
    return;
  }
  const std::string encoded = senderauth::base64_encode(*decoded);
  auto again = senderauth::base64_decode(encoded);
  check(again.ok() && *again == *decoded);
  check(encoded.size() <= senderauth::strip_whitespace(text).size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto list = senderauth::TagList::parse(text);
  check_base64(text);
  auto utf8 = senderauth::TagViewList::parse(text, senderauth::TagValueBytes::utf8);
  if (utf8) {
    for (const auto& tag : utf8->tags()) check(senderauth::is_valid_utf8(tag.value));
  }
  if (list) {
    check(utf8.ok() && utf8->tags().size() == list->tags().size());
    for (std::size_t i = 0; i < list->tags().size(); ++i) {
      check(utf8->tags()[i].name == list->tags()[i].name);
      check(utf8->tags()[i].value == list->tags()[i].value);
    }
  }
  if (!list) {
    check(!list.reason().empty());
    return 0;
  }
  check(list->tags().size() <= senderauth::core_limits::kMaxTags);
  for (std::size_t i = 0; i < list->tags().size(); ++i) {
    const auto& tag = list->tags()[i];
    check_tag(tag);
    check(list->find(tag.name) == &tag.value);  // names are unique, so find hits this one
    check_base64(tag.value);
  }
  return 0;
}
