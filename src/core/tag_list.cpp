#include "senderauth/core/tag_list.hpp"

#include <string>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "core/limits.hpp"
#include "senderauth/core/byte_text.hpp"
#include "senderauth/core/header_text.hpp"
#include "senderauth/core/utf8.hpp"

namespace senderauth {
namespace {

bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_alnumpunc(char c) {
  return is_alpha(c) || (c >= '0' && c <= '9') || c == '_';
}
// RFC 6376 3.2 VALCHAR: %x21-3A / %x3C-7E, i.e. visible ASCII except ';'.
bool is_valchar(char c) {
  return c >= 0x21 && c <= 0x7e && c != ';';
}

// Where the run of VALCHARs starting at `pos` ends. A b= value is hundreds of them between
// folds: 16 bytes per step where SSE2 is there (every x86-64 CPU).
std::size_t valchar_run_end(std::string_view text, std::size_t pos) {
#ifdef __SSE2__
  const __m128i first = _mm_set1_epi8(0x21), del = _mm_set1_epi8(0x7f), semi = _mm_set1_epi8(';');
  while (text.size() - pos >= 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + pos));
    // Signed compare: bytes >= 0x80 are negative, so below 0x21 too.
    const __m128i bad = _mm_or_si128(_mm_cmplt_epi8(x, first),
                                     _mm_or_si128(_mm_cmpeq_epi8(x, del), _mm_cmpeq_epi8(x, semi)));
    if (const int mask = _mm_movemask_epi8(bad); mask != 0) {
      return pos + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
    }
    pos += 16;
  }
#endif
  while (pos < text.size() && is_valchar(text[pos])) ++pos;
  return pos;
}

class Parser {
 public:
  Parser(std::string_view text, TagValueBytes bytes) : text_(text), bytes_(bytes) {}

  Result<std::vector<TagView>> run() {
    std::vector<TagView> tags;
    tags.reserve(16);  // a DKIM-Signature has ~12: growing would move every tag four times
    if (auto fws = skip_fws(); !fws) return fws.error();
    if (at_end()) return tags;  // nothing but whitespace: an empty list
    while (true) {
      if (at_end()) break;  // after a trailing ';'
      if (text_[pos_] == ';') return make_error("empty tag-spec at offset " + offset());
      auto tag = parse_tag_spec();
      if (!tag) return tag.error();
      for (const TagView& seen : tags) {
        if (seen.name == tag->name) {
          return make_error("duplicate tag '" + std::string(tag->name) + "'");
        }
      }
      if (tags.size() == core_limits::kMaxTags) {
        return make_error("more than " + std::to_string(core_limits::kMaxTags) + " tags");
      }
      tags.push_back(*tag);
      if (at_end()) break;
      ++pos_;  // the ';' that ended the value
      if (auto fws = skip_fws(); !fws) return fws.error();
    }
    return tags;
  }

 private:
  bool at_end() const { return pos_ >= text_.size(); }
  std::string offset() const { return std::to_string(pos_); }

  // True when a CR LF WSP fold starts at `at`.
  bool fold_at(std::size_t at) const {
    return at + 2 < text_.size() && text_[at] == '\r' && text_[at + 1] == '\n' &&
           is_wsp(text_[at + 2]);
  }

  Result<void> bad_line_break() const {
    if (text_[pos_] == '\n') return make_error("bare LF at offset " + offset());
    if (pos_ + 1 >= text_.size() || text_[pos_ + 1] != '\n') {
      return make_error("bare CR at offset " + offset());
    }
    return make_error("line break at offset " + offset() + " is not followed by whitespace");
  }

  // [FWS]: any run of WSP and CRLF-WSP folds.
  Result<void> skip_fws() {
    while (!at_end()) {
      if (is_wsp(text_[pos_])) {
        ++pos_;
      } else if (fold_at(pos_)) {
        pos_ += 3;
      } else if (text_[pos_] == '\r' || text_[pos_] == '\n') {
        return bad_line_break();
      } else {
        break;
      }
    }
    return {};
  }

  Result<TagView> parse_tag_spec() {
    TagView tag;
    const std::size_t name_start = pos_;
    if (!is_alpha(text_[pos_])) {
      return make_error("tag name must start with a letter, found " +
                        describe_byte(static_cast<unsigned char>(text_[pos_])) + " at offset " +
                        offset());
    }
    while (!at_end() && is_alnumpunc(text_[pos_])) ++pos_;
    tag.name = text_.substr(name_start, pos_ - name_start);
    if (auto fws = skip_fws(); !fws) return fws.error();
    if (at_end() || text_[pos_] == ';')
      return make_error("tag '" + std::string(tag.name) + "' has no '='");
    if (text_[pos_] != '=') {
      return make_error("invalid character " +
                        describe_byte(static_cast<unsigned char>(text_[pos_])) +
                        " after tag name '" + std::string(tag.name) + "' at offset " + offset());
    }
    ++pos_;
    if (auto fws = skip_fws(); !fws) return fws.error();
    const std::size_t value_start = pos_;
    std::size_t value_end = pos_;  // one past the last VALCHAR
    while (!at_end() && text_[pos_] != ';') {
      const char c = text_[pos_];
      if (is_valchar(c)) {
        pos_ = valchar_run_end(text_, pos_ + 1);
        value_end = pos_;
      } else if (is_wsp(c)) {
        ++pos_;
      } else if (fold_at(pos_)) {
        pos_ += 3;
      } else if (c == '\r' || c == '\n') {
        auto error = bad_line_break();
        return make_error("in value of tag '" + std::string(tag.name) + "': " + error.reason());
      } else if (const std::size_t length = utf8_length_at(pos_); length != 0) {
        pos_ += length;
        value_end = pos_;
      } else {
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x80 && bytes_ == TagValueBytes::utf8) {
          return make_error("invalid UTF-8 at " + describe_byte(byte) + " in value of tag '" +
                            std::string(tag.name) + "' at offset " + offset());
        }
        return make_error("invalid " + std::string(byte >= 0x80 ? "non-ASCII " : "control ") +
                          describe_byte(byte) + " in value of tag '" + std::string(tag.name) +
                          "' at offset " + offset());
      }
    }
    tag.value = text_.substr(value_start, value_end - value_start);
    return tag;
  }

  // The length of the UTF-8 character at `at` when values may hold one, else 0.
  std::size_t utf8_length_at(std::size_t at) const {
    if (bytes_ != TagValueBytes::utf8) return 0;
    return utf8_sequence_length(text_.substr(at));
  }

  std::string_view text_;
  TagValueBytes bytes_;
  std::size_t pos_ = 0;
};

}  // namespace

Result<TagViewList> TagViewList::parse(std::string_view text, TagValueBytes bytes) {
  if (text.size() > core_limits::kMaxTagListLength) {
    return make_error("tag-list of " + std::to_string(text.size()) + " bytes exceeds the " +
                      std::to_string(core_limits::kMaxTagListLength) + "-byte limit");
  }
  auto tags = Parser(text, bytes).run();
  if (!tags) return tags.error();
  TagViewList list;
  list.tags_ = std::move(*tags);
  return list;
}

std::optional<std::string_view> TagViewList::find(std::string_view name) const {
  for (const TagView& tag : tags_) {
    if (tag.name == name) return tag.value;
  }
  return std::nullopt;
}

Result<TagList> TagList::parse(std::string_view text) {
  auto views = TagViewList::parse(text);
  if (!views) return views.error();
  TagList list;
  list.tags_.reserve(views->tags().size());
  for (const TagView& tag : views->tags()) {
    list.tags_.push_back(Tag{std::string(tag.name), std::string(tag.value)});
  }
  return list;
}

const std::string* TagList::find(std::string_view name) const {
  for (const Tag& tag : tags_) {
    if (tag.name == name) return &tag.value;
  }
  return nullptr;
}

std::string_view trim_fws(std::string_view text) {
  while (!text.empty() && is_fws_char(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_fws_char(text.back())) text.remove_suffix(1);
  return text;
}

namespace {

// Where the run of bytes that are not FWS starting at `pos` ends; SSE2 finds the first byte
// <= 0x20 (FWS are among them) 16 at a time, and the exact test decides from there.
std::size_t non_fws_run_end(std::string_view text, std::size_t pos) {
#ifdef __SSE2__
  const __m128i space = _mm_set1_epi8(' ');
  while (text.size() - pos >= 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + pos));
    const int low = _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(x, space), x));
    if (low != 0) {
      pos += static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(low)));
      if (is_fws_char(text[pos])) return pos;
      ++pos;  // a control byte that is not FWS: part of the run
      continue;
    }
    pos += 16;
  }
#endif
  while (pos < text.size() && !is_fws_char(text[pos])) ++pos;
  return pos;
}

}  // namespace

std::string strip_whitespace(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    if (is_fws_char(text[i])) {
      ++i;
      continue;
    }
    // Appended whole: a b= value is folded only every ~70 bytes.
    const std::size_t run = non_fws_run_end(text, i + 1);
    out.append(text.substr(i, run - i));
    i = run;
  }
  return out;
}

}  // namespace senderauth
