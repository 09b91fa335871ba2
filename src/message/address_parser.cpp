// A recursive-descent reader of RFC 5322 3.4 address lists with the 4.4 obsolete forms. It
// tokenises "phrases" (atoms, quoted strings, dots) first and decides what they were by the
// character that follows: "<" a display name, "@" a local part, ":" a group name.
#include <string>
#include <utility>

#include "senderauth/core/byte_text.hpp"
#include "senderauth/core/header_text.hpp"
#include "senderauth/message/address.hpp"
#include "senderauth/message/address_encoded_word.hpp"

namespace senderauth::message {

namespace {

bool is_line_break_char(char c) {
  return c == '\r' || c == '\n';
}

// "=?" ... "?=": the shape of an RFC 2047 encoded word, which some readers decode wherever it is.
bool looks_encoded(std::string_view word) {
  const std::size_t open = word.find("=?");
  return open != std::string_view::npos && word.find("?=", open + 2) != std::string_view::npos;
}

struct PhraseItem {
  enum class Kind : std::uint8_t { atom, quoted, dot };
  Kind kind = Kind::atom;
  std::string text;
  bool space_before = false;  // whitespace or a comment separated it from the previous item
};

class Parser {
 public:
  Parser(std::string_view in, const AddressLimits& limits) : in_(in), limits_(limits) {}

  // After run() failed: whether it was for holding more than limits.max_mailboxes mailboxes.
  bool over_mailbox_limit() const { return over_mailbox_limit_; }

  Result<AddressList> run() {
    if (in_.size() > limits_.max_input_bytes) {
      return make_error("address list longer than " + std::to_string(limits_.max_input_bytes) +
                        " bytes");
    }
    while (true) {
      if (auto r = skip_cfws(); !r) return r.error();
      if (at_end()) break;
      if (peek() == ',') {  // obs-addr-list: empty elements
        ++pos_;
        continue;
      }
      if (auto r = address(true, ""); !r) return r.error();
      if (auto r = skip_cfws(); !r) return r.error();
      if (at_end()) break;
      if (peek() == ';' && only_cfws_after(pos_ + 1)) {
        out_.defects.push_back("';' after the last address");
        break;
      }
      if (peek() != ',') return fail("expected ',' between addresses");
      ++pos_;
    }
    if (out_.mailboxes.empty() && out_.groups == 0) return make_error("no address found");
    return std::move(out_);
  }

 private:
  bool at_end() const { return pos_ >= in_.size(); }
  char peek() const { return in_[pos_]; }

  Error fail(std::string what) const {
    return make_error(std::move(what) + " at offset " + std::to_string(pos_));
  }

  // Whether only folding whitespace and comments follow `from` (pos_ is left where it was).
  bool only_cfws_after(std::size_t from) {
    const std::size_t saved = pos_;
    pos_ = from;
    const bool ok = skip_cfws() && at_end();
    pos_ = saved;
    return ok;
  }

  // At a CR or LF: skips the line break of a fold, CRLF (or a bare LF) before a space or tab,
  // or the one that ends the value. Any other CR or LF is refused: a reader that ends a line
  // at a bare CR ("From: (\rFrom: Bank <user@bank.test>\r) x@attacker.test") sees a field of
  // its own there, another From field than the one DMARC judges. CRs right before the LF, or
  // at the end of the value, are taken with it: PHP's mail() ends its extra header lines in
  // CRLF and an MTA that turns LF into CRLF makes that "\r\r\n"; a reader that ends a line at
  // the first CR sees an empty line after it, the end of the header, not another field.
  Result<void> line_break() {
    std::size_t crs = 0;
    while (pos_ + crs < in_.size() && in_[pos_ + crs] == '\r') ++crs;
    std::size_t length = 0;
    if (pos_ + crs < in_.size() && in_[pos_ + crs] == '\n') {
      length = crs + 1;
    } else if (pos_ + crs == in_.size()) {
      length = crs;
    }
    const std::size_t next = pos_ + length;
    if (length == 0 || (next < in_.size() && !is_wsp(in_[next]))) {
      return fail(peek() == '\r' ? "CR not part of a folding line break"
                                 : "LF not part of a folding line break");
    }
    pos_ = next;
    return {};
  }

  // Refuses NUL, the other C0 controls but HTAB, and DEL in quotes, comments and domain
  // literals, escaped or not, which RFC 5322's obsolete syntax allows: a reader may cut a string
  // at a NUL, and 'From: "user@bank.test\0" <x@attacker.test>' then shows user@bank.test.
  Result<void> allowed_in_text(char c, std::string_view where, bool escaped = false) const {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\t') || byte == 0x7f) {
      return fail(describe_byte(byte) + (escaped ? " escaped" : "") + " in a " +
                  std::string(where));
    }
    return {};
  }

  // Skips folding whitespace and (nested) comments. Returns whether anything was skipped
  // through `skipped`.
  Result<void> skip_cfws(bool* skipped = nullptr) {
    const std::size_t start = pos_;
    while (!at_end()) {
      const char c = peek();
      if (is_wsp(c)) {
        ++pos_;
      } else if (is_line_break_char(c)) {
        if (auto r = line_break(); !r) return r;
      } else if (c == '(') {
        std::size_t depth = 0;
        const std::size_t open = pos_;
        while (true) {
          if (at_end()) {
            pos_ = open;
            return fail("unterminated comment");
          }
          const char d = peek();
          if (is_line_break_char(d)) {
            if (auto r = line_break(); !r) return r;
            continue;
          }
          if (auto r = allowed_in_text(d, "comment"); !r) return r;
          if (d == '(') {
            if (++depth > limits_.max_comment_depth) {
              return fail("comments nested deeper than " +
                          std::to_string(limits_.max_comment_depth));
            }
          } else if (d == ')') {
            if (--depth == 0) {
              ++pos_;
              break;
            }
          } else if (d == '\\') {
            ++pos_;  // quoted-pair: the next character is literal
            if (at_end()) continue;
            if (auto r = allowed_in_text(peek(), "comment", true); !r) return r;
          }
          ++pos_;
        }
      } else {
        break;
      }
    }
    if (skipped != nullptr) *skipped = pos_ != start;
    return {};
  }

  Result<std::string> quoted_string() {
    const std::size_t open = pos_;
    ++pos_;  // opening quote
    std::string text;
    while (true) {
      if (at_end()) {
        pos_ = open;
        return fail("unterminated quoted string");
      }
      const char c = peek();
      if (c == '"') {
        ++pos_;
        return text;
      }
      if (c == '\\') {
        if (pos_ + 1 >= in_.size()) {
          pos_ = open;
          return fail("unterminated quoted string");
        }
        ++pos_;
        if (auto r = allowed_in_text(peek(), "quoted string", true); !r) return r.error();
        text.push_back(peek());
        ++pos_;
        continue;
      }
      if (is_line_break_char(c)) {  // folding inside quotes: unfold (the WSP stays)
        if (auto r = line_break(); !r) return r.error();
        continue;
      }
      if (auto r = allowed_in_text(c, "quoted string"); !r) return r.error();
      text.push_back(c);
      ++pos_;
    }
  }

  std::string atom() {
    const std::size_t start = pos_;
    while (!at_end() && is_atext(peek(), true)) ++pos_;
    return std::string(in_.substr(start, pos_ - start));
  }

  // Atoms, quoted strings and dots up to the first other character; CFWS in between skipped.
  Result<std::vector<PhraseItem>> phrase() {
    std::vector<PhraseItem> items;
    while (true) {
      bool skipped = false;
      if (auto r = skip_cfws(&skipped); !r) return r.error();
      if (at_end()) break;
      const char c = peek();
      PhraseItem item;
      item.space_before = skipped;
      if (c == '"') {
        auto q = quoted_string();
        if (!q) return q.error();
        item.kind = PhraseItem::Kind::quoted;
        item.text = std::move(*q);
      } else if (c == '.') {
        ++pos_;
        item.kind = PhraseItem::Kind::dot;
        item.text = ".";
      } else if (is_atext(c, true)) {
        item.text = atom();
      } else {
        break;
      }
      items.push_back(std::move(item));
    }
    return items;
  }

  // Display name: words joined by one space, encoded words decoded; whitespace between two
  // encoded words dropped (RFC 2047 6.2). Encoded words inside quotes stay as written (5.3).
  static std::string display_name(const std::vector<PhraseItem>& items) {
    std::string out;
    bool previous_encoded = false;
    for (const PhraseItem& item : items) {
      std::string text = item.text;
      bool encoded = false;
      if (item.kind == PhraseItem::Kind::atom) {
        if (auto decoded = decode_encoded_word(item.text)) {
          text = std::move(*decoded);
          encoded = true;
        }
      }
      const bool glue = encoded && previous_encoded;
      if (item.space_before && !out.empty() && !glue) out.push_back(' ');
      out += text;
      previous_encoded = encoded;
    }
    return out;
  }

  // Local part from phrase items: word *("." word), with the leniencies listed in the header.
  Result<std::string> local_part(const std::vector<PhraseItem>& items) {
    if (items.empty()) return fail("empty local part");
    // RFC 2047 5 (3): no encoded word in an addr-spec. Readers decode one there all the same
    // (Python's email package shows "=?utf-8?q?user=40bank.test?= x@attacker.test" as
    // user@bank.test), quoted or not, so the address they show is not the one DMARC judges.
    std::string written;  // the words as one string: an encoded word may have dots in it
    for (const PhraseItem& item : items) written += item.text;
    if (looks_encoded(written)) return fail("encoded word in local part '" + written + "'");
    std::string out;
    bool previous_word = false;
    for (std::size_t i = 0; i < items.size(); ++i) {
      const PhraseItem& item = items[i];
      if (item.kind == PhraseItem::Kind::dot) {
        if (!previous_word) out_.defects.push_back("local part has an empty word between dots");
        out.push_back('.');
        previous_word = false;
        continue;
      }
      if (previous_word) {
        // A word with '@' before the address ("\"user@bank.test\" x@attacker.test") reads as
        // an address of its own; joined into one local part it is the shape of a forgery.
        const PhraseItem& before = items[i - 1];
        for (const PhraseItem* word : {&before, &item}) {
          if (word->text.find('@') != std::string::npos) {
            return fail("'@' in a word of a local part not joined by '.'");
          }
        }
        out_.defects.push_back("missing '.' between words of a local part");
        out.push_back(' ');
      }
      out += item.text;
      previous_word = true;
    }
    if (!previous_word) out_.defects.push_back("local part ends with '.'");
    return out;
  }

  Result<void> domain(Mailbox& mailbox) {
    if (auto r = skip_cfws(); !r) return r;
    if (at_end()) return fail("missing domain after '@'");
    if (peek() == '[') {
      const std::size_t open = pos_;
      std::string literal = "[";
      ++pos_;
      while (true) {
        if (at_end()) {
          pos_ = open;
          return fail("unterminated domain literal");
        }
        const char c = peek();
        if (c == ']') break;
        if (c == '[') return fail("'[' inside a domain literal");
        if (is_line_break_char(c)) {
          if (auto r = line_break(); !r) return r;
          continue;
        }
        if (c == '\\' && pos_ + 1 < in_.size()) ++pos_;  // obs-dtext quoted-pair
        if (auto r = allowed_in_text(peek(), "domain literal", c == '\\'); !r) return r;
        literal.push_back(in_[pos_]);
        ++pos_;
      }
      ++pos_;
      literal.push_back(']');
      mailbox.domain = std::move(literal);
      mailbox.domain_literal = true;
      return skip_cfws();
    }
    std::string name;
    while (true) {
      if (at_end() || !is_atext(peek(), true)) {
        return fail(name.empty() ? "missing domain after '@'" : "empty label in domain");
      }
      name += atom();
      if (auto r = skip_cfws(); !r) return r;  // obs-domain: CFWS around the dots
      if (at_end() || peek() != '.') break;
      ++pos_;
      name.push_back('.');
      if (auto r = skip_cfws(); !r) return r;
    }
    auto normalised = normalize_address_domain(name);
    if (!normalised) return fail("bad domain '" + name + "': " + normalised.reason());
    mailbox.domain = std::move(*normalised);
    return {};
  }

  // At "<": [obs-route] addr-spec ">".
  Result<void> angle_addr(Mailbox& mailbox) {
    ++pos_;
    if (auto r = skip_cfws(); !r) return r;
    if (!at_end() && (peek() == '@' || peek() == ',')) {  // obs-route: "@a,@b:" is dropped
      while (true) {
        if (auto r = skip_cfws(); !r) return r;
        if (at_end()) return fail("unterminated route in angle address");
        if (peek() == ',') {
          ++pos_;
          continue;
        }
        if (peek() == ':') {
          ++pos_;
          break;
        }
        if (peek() != '@') return fail("bad route in angle address");
        ++pos_;
        Mailbox ignored;
        if (auto r = domain(ignored); !r) return r;
      }
    }
    auto items = phrase();
    if (!items) return items.error();
    if (at_end() || peek() != '@') {
      return fail(items->empty() ? "empty angle address" : "missing '@' in angle address");
    }
    auto local = local_part(*items);
    if (!local) return local.error();
    mailbox.local_part = std::move(*local);
    ++pos_;
    if (auto r = domain(mailbox); !r) return r;
    if (at_end() || peek() != '>') return fail("missing '>' after address");
    ++pos_;
    return {};
  }

  // "joe@d <joe@d>": the bare address, in the place of a display name, is accepted when the
  // angle address is in the same domain (see address.hpp); the angle address is the mailbox.
  Result<void> bare_then_angle(Mailbox bare) {
    const std::size_t open = pos_;
    Mailbox mailbox;
    mailbox.group = bare.group;
    if (auto r = angle_addr(mailbox); !r) return r;
    if (mailbox.domain != bare.domain) {
      pos_ = open;
      return fail("address " + bare.address() + " before an angle address in another domain");
    }
    mailbox.display_name = bare.address();
    out_.defects.push_back("address " + bare.address() + " written before its angle address");
    return push(std::move(mailbox));
  }

  Result<void> push(Mailbox mailbox) {
    if (out_.mailboxes.size() >= limits_.max_mailboxes) {
      over_mailbox_limit_ = true;
      return fail("more than " + std::to_string(limits_.max_mailboxes) + " mailboxes");
    }
    out_.mailboxes.push_back(std::move(mailbox));
    return {};
  }

  Result<void> group(std::string name) {
    ++pos_;  // ':'
    ++out_.groups;
    while (true) {
      if (auto r = skip_cfws(); !r) return r;
      if (at_end()) {
        out_.defects.push_back("group '" + name + "' not closed with ';'");
        return {};
      }
      const char c = peek();
      if (c == ';') {
        ++pos_;
        return {};
      }
      if (c == ',') {  // obs-group-list / obs-mbox-list: empty elements
        ++pos_;
        continue;
      }
      if (auto r = address(false, name); !r) return r;
      if (auto r = skip_cfws(); !r) return r;
      if (!at_end() && peek() != ',' && peek() != ';') {
        return fail("expected ',' or ';' in group '" + name + "'");
      }
    }
  }

  // At "[" in a display name: "[External] Joe <joe@d>", as gateways tag senders. The words
  // between the brackets become one display-name word. Nothing in them may look like an
  // address or end the phrase ('@', '<', '>', quotes, ',', ';', ':', a backslash, line breaks).
  Result<PhraseItem> bracketed_words(bool space_before) {
    const std::size_t open = pos_;
    std::size_t end = pos_ + 1;
    while (end < in_.size() && in_[end] != ']') {
      const char c = in_[end];
      const auto byte = static_cast<unsigned char>(c);
      if (c == '@' || c == '<' || c == '>' || c == '"' || c == '[' || c == ',' || c == ';' ||
          c == ':' || c == '\\' || (byte < 0x20 && c != '\t') || byte == 0x7f) {
        return fail("unexpected '['");
      }
      ++end;
    }
    if (end >= in_.size()) return fail("unexpected '['");
    PhraseItem item;
    item.space_before = space_before;
    item.text = std::string(in_.substr(open, end + 1 - open));
    pos_ = end + 1;
    return item;
  }

  // Display-name words followed by ',' and no address: "Smith, Alice <alice@d>", a display
  // name whose comma the sending software did not quote. They name no mailbox, so they are
  // skipped, unless a word could be read as an address: one with '@', or an encoded word,
  // which readers decode (to "user@bank.example", say).
  bool is_addressless_fragment(const std::vector<PhraseItem>& items) const {
    if (at_end() || peek() != ',') return false;
    bool words = false;
    std::string written;  // an encoded word may have dots in it, which split it into items
    for (const PhraseItem& item : items) {
      if (item.text.find('@') != std::string::npos) return false;
      words |= item.kind != PhraseItem::Kind::dot;
      written += item.text;
    }
    return words && !looks_encoded(written);
  }

  // mailbox, or group when `allow_group`.
  Result<void> address(bool allow_group, const std::string& group_name) {
    const std::size_t start = pos_;
    auto items = phrase();
    if (!items) return items.error();
    if (!at_end() && peek() == '[') {  // bracketed words: only in a display name
      const std::size_t bracket = pos_;
      while (!at_end() && peek() == '[') {
        const char before = pos_ > start ? in_[pos_ - 1] : '\0';
        const bool space_before = is_wsp(before) || before == ')' || before == '\n';
        auto word = bracketed_words(space_before);
        if (!word) return word.error();
        items->push_back(std::move(*word));
        auto more = phrase();
        if (!more) return more.error();
        for (auto& item : *more) items->push_back(std::move(item));
      }
      if (at_end() || peek() != '<') {
        pos_ = bracket;
        return fail("unexpected '['");
      }
      out_.defects.push_back("'[' in a display name");
    }
    if (is_addressless_fragment(*items)) {
      out_.defects.push_back("display-name words '" + display_name(*items) +
                             "' without an address (an unquoted ',' in a display name?)");
      return {};
    }
    if (at_end()) {
      pos_ = start;
      return fail(items->empty() ? "missing address"
                                 : "no address after '" + display_name(*items) + "'");
    }
    Mailbox mailbox;
    mailbox.group = group_name;
    const char c = peek();
    if (c == '<') {
      mailbox.display_name = display_name(*items);
      if (auto r = angle_addr(mailbox); !r) return r;
      return push(std::move(mailbox));
    }
    if (c == '@') {
      auto local = local_part(*items);
      if (!local) return local.error();
      mailbox.local_part = std::move(*local);
      ++pos_;
      if (auto r = domain(mailbox); !r) return r;
      if (!at_end() && peek() == '<') return bare_then_angle(std::move(mailbox));
      return push(std::move(mailbox));
    }
    if (c == ':' && !items->empty()) {
      if (!allow_group) return fail("group inside a group");
      return group(display_name(*items));
    }
    return fail(std::string("unexpected '") + c + "'");
  }

  std::string_view in_;
  std::size_t pos_ = 0;
  const AddressLimits& limits_;
  AddressList out_;
  bool over_mailbox_limit_ = false;
};

}  // namespace

Result<AddressList> parse_address_list(std::string_view value, const AddressLimits& limits) {
  return Parser(value, limits).run();
}

Result<AddressList> parse_address_list(std::string_view value, const AddressLimits& limits,
                                       bool& over_mailbox_limit) {
  Parser parser(value, limits);
  auto list = parser.run();
  over_mailbox_limit = !list && parser.over_mailbox_limit();
  return list;
}

bool is_dot_atom(std::string_view text) {
  return senderauth::is_dot_atom(text, true);  // RFC 6532: UTF-8 is atext in addresses
}

std::string Mailbox::address() const {
  std::string out;
  if (is_dot_atom(local_part)) {
    out = local_part;
  } else {
    out.push_back('"');
    for (char c : local_part) {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    out.push_back('"');
  }
  out.push_back('@');
  out += domain;
  return out;
}

}  // namespace senderauth::message
