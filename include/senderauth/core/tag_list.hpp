// The "tag=value; tag=value" syntax of RFC 6376 3.2, shared by DKIM, ARC and DMARC.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "senderauth/core/result.hpp"

namespace senderauth {

struct Tag {
  std::string name;   // as written (tag names are case-sensitive)
  std::string value;  // folding whitespace around the value removed, inner FWS kept
};

// A tag as views into the text it was parsed from.
struct TagView {
  std::string_view name;
  std::string_view value;  // as in Tag: outer FWS removed, inner FWS kept
};

// The same parse as TagList, but the tags are views into `text`, which must outlive the list:
// for a caller that reads each value once (a DKIM-Signature on every message) and would
// otherwise copy every value, the ~350-byte b= among them, only to convert it again.
// Which bytes a value may hold besides RFC 6376's VALCHARs (visible ASCII but ';'):
// `utf8` adds well-formed UTF-8 characters, as RFC 8616 5 allows in a DKIM-Signature of a
// message with internationalised header fields (RFC 6532).
enum class TagValueBytes { ascii, utf8 };

class TagViewList {
 public:
  static Result<TagViewList> parse(std::string_view text,
                                   TagValueBytes bytes = TagValueBytes::ascii);

  const std::vector<TagView>& tags() const { return tags_; }
  std::optional<std::string_view> find(std::string_view name) const;
  bool empty() const { return tags_.empty(); }

 private:
  std::vector<TagView> tags_;
};

class TagList {
 public:
  // Parses a whole tag-list. Errors name what was wrong: a tag without "=", an empty or invalid
  // tag name, a duplicate tag, invalid characters in a value. A trailing ";" is allowed.
  static Result<TagList> parse(std::string_view text);

  const std::vector<Tag>& tags() const { return tags_; }
  const std::string* find(std::string_view name) const;
  bool has(std::string_view name) const { return find(name) != nullptr; }
  bool empty() const { return tags_.empty(); }

 private:
  std::vector<Tag> tags_;
};

// SP, HTAB, CR or LF: what folding whitespace (RFC 5322 FWS) is made of.
constexpr bool is_fws_char(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}
// `text` without FWS characters at either end (a view, nothing copied).
std::string_view trim_fws(std::string_view text);
// Removes every whitespace character (SP, HTAB, CR, LF): how b=, bh= and p= values are read.
std::string strip_whitespace(std::string_view text);

}  // namespace senderauth
