#include "senderauth/authres/format.hpp"

#include <string>
#include <vector>

#include "authres/token_chars.hpp"
#include "senderauth/core/byte_text.hpp"
#include "senderauth/core/domain_name.hpp"
#include "senderauth/core/header_text.hpp"
#include "senderauth/core/utf8.hpp"

namespace senderauth::authres {

namespace {

// RFC 6376 domain-name: sub-domain *("." sub-domain), sub-domain = Let-dig [Ldh-str], and
// within DNS limits (63-octet labels, 253 in all): the reader checks those too, so a longer
// name written bare would not read back. Such a value is quoted instead.
bool is_domain_name(std::string_view text) {
  if (text.empty()) return false;
  if (!parse_domain(text, DomainSyntax{.allow_trailing_dot = false, .allow_underscore = false})) {
    return false;
  }
  std::size_t start = 0;
  while (true) {
    std::size_t dot = text.find('.', start);
    std::string_view label =
        text.substr(start, dot == std::string_view::npos ? text.npos : dot - start);
    if (!is_keyword(label)) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

// RFC 6532 makes UTF-8 atext in an internationalised message's addresses.
bool is_mailbox_form(std::string_view text, bool allow_utf8) {
  auto at = text.rfind('@');
  if (at == std::string_view::npos) return false;
  std::string_view local = text.substr(0, at);
  return (local.empty() || is_dot_atom(local, allow_utf8)) && is_domain_name(text.substr(at + 1));
}

void append_quoted(std::string& out, std::string_view text) {
  out += '"';
  append_escaped(out, text, [](char c) { return c == '"' || c == '\\'; });
  out += '"';
}

// pvalue (RFC 8601 2.2): a token; or [local-part] "@" domain-name, so that readers which take
// the value for an address get one; or else the whole as a quoted-string. A local part that is
// no dot-atom is left out ("@example.com", the form of DKIM's default i=): RFC 8601 allows it
// quoted ("john doe"@example.com), but SpamAssassin's reader refuses a quoted-string followed
// by "@" and drops the whole field, our dmarc=fail with it, for an attacker's MAIL FROM
// "x"@attacker.example. The domain is what alignment and every reader use; Received-SPF and
// the JSON keep the whole address.
void append_pvalue(std::string& out, std::string_view value, bool allow_utf8) {
  if (is_token(value) || is_mailbox_form(value, allow_utf8)) {
    out += value;
    return;
  }
  const auto at = value.rfind('@');
  if (at != std::string_view::npos && is_domain_name(value.substr(at + 1))) {
    out += value.substr(at);
    return;
  }
  append_quoted(out, value);
}

// The sanitised form of `text`: `text` itself when already clean, else a copy in `buffer`.
std::string_view sanitized(std::string_view text, bool allow_utf8, std::string& buffer) {
  if (is_clean_header_text(text, kMaxValueLength)) return text;
  buffer = sanitize_value(text, allow_utf8);
  return buffer;
}

enum class Join : unsigned char { clause, soft, exact };

// The items a field is written from, each with how it joins the previous one (where a fold
// may go). Their texts lie back to back in one string: a field has dozens of items, and one
// allocation each was most of the cost of writing it.
class Segments {
 public:
  struct Span {
    std::size_t begin;
    std::size_t size;
    Join join;
  };

  // Room for a typical field (~500 characters in ~60 items) without growing.
  explicit Segments(std::size_t items) {
    text_.reserve(items * 10);
    spans_.reserve(items);
  }

  void add(std::string_view text, Join join) {
    begin(join);
    text_ += text;
    end();
  }
  // An item written in place: begin(), append to text(), end(); the item is what text()
  // gained in between.
  void begin(Join join) { spans_.push_back(Span{text_.size(), 0, join}); }
  std::string& text() { return text_; }
  void end() { spans_.back().size = text_.size() - spans_.back().begin; }
  // Splits the last item at its spaces (which then belong to no item): its first piece keeps
  // its join, the rest join with `inner_join` (exact inside quoted strings, where the space is
  // part of the value).
  void split_last(Join inner_join) {
    const Span last = spans_.back();
    std::size_t start = last.begin;
    const std::size_t stop = last.begin + last.size;
    for (std::size_t i = start; i < stop; ++i) {
      if (text_[i] != ' ') continue;
      spans_.back().size = i - spans_.back().begin;
      spans_.push_back(Span{i + 1, 0, inner_join});
      start = i + 1;
    }
    spans_.back().size = stop - start;
  }
  // Extends the last item (it ends the text): the ';' after a resinfo.
  void append_to_last(char c) {
    text_ += c;
    ++spans_.back().size;
  }

  const std::vector<Span>& spans() const { return spans_; }
  std::string_view text(const Span& span) const {
    return std::string_view(text_).substr(span.begin, span.size);
  }

 private:
  std::string text_;
  std::vector<Span> spans_;
};

// `what` (and `of`, the method it belongs to) name the keyword in the error only.
Result<void> check_keyword(std::string_view what, std::string_view of, std::string_view text) {
  if (text.size() <= kMaxKeywordLength && is_keyword(text)) return {};
  std::string name(what);
  if (!of.empty()) (name += " of ") += of;
  if (text.size() > kMaxKeywordLength) {
    return make_error(name + " longer than " + std::to_string(kMaxKeywordLength));
  }
  return make_error(name + " \"" + sanitize_value(text) + "\" is not a keyword");
}

Result<void> check_clause(const Clause& clause) {
  if (auto r = check_keyword("method", {}, clause.method); !r) return r;
  if (!clause.method_version.empty()) {
    if (clause.method_version.size() > 9 ||
        clause.method_version.find_first_not_of("0123456789") != std::string::npos) {
      return make_error("method-version of " + clause.method + " is not a number");
    }
  }
  if (auto r = check_keyword("result", clause.method, clause.result); !r) return r;
  if (clause.properties.size() > kMaxProperties) {
    return make_error(clause.method + " has more than " + std::to_string(kMaxProperties) +
                      " properties");
  }
  for (const auto& p : clause.properties) {
    if (auto r = check_keyword("ptype", {}, p.ptype); !r) return r;
    if (auto r = check_keyword("property", {}, p.name); !r) return r;
  }
  return {};
}

// Appends the segments of one resinfo (not its separating ";").
void clause_segments(Segments& out, const Clause& clause, bool allow_utf8) {
  std::string& text = out.text();
  out.begin(Join::clause);
  text += clause.method;
  if (!clause.method_version.empty()) (text += '/') += clause.method_version;
  (text += '=') += clause.result;
  out.end();

  std::string buffer;
  std::string_view comment = sanitized(clause.comment, allow_utf8, buffer);
  if (!comment.empty()) {
    out.begin(Join::soft);
    text += '(';
    append_comment_text(text, comment);
    text += ')';
    out.end();
    out.split_last(Join::soft);
  }
  std::string_view reason = sanitized(clause.reason, allow_utf8, buffer);
  if (!reason.empty()) {
    out.begin(Join::soft);
    text += "reason=";
    if (is_token(reason)) {
      text += reason;
    } else {
      append_quoted(text, reason);
    }
    out.end();
    out.split_last(Join::exact);
  }
  for (const auto& p : clause.properties) {
    std::string_view value = sanitized(p.value, allow_utf8, buffer);
    out.begin(Join::soft);
    ((text += p.ptype) += '.') += p.name;
    text += '=';
    append_pvalue(text, value, allow_utf8);
    out.end();
    out.split_last(Join::exact);
  }
}

}  // namespace

Result<void> check_authserv_id(std::string_view id) {
  if (id.empty()) return make_error("empty");
  if (id.size() > kMaxAuthservIdLength) {
    return make_error("longer than " + std::to_string(kMaxAuthservIdLength) + " octets");
  }
  for (std::size_t i = 0; i < id.size(); ++i) {
    if (is_token_char(id[i])) continue;
    const auto byte = static_cast<unsigned char>(id[i]);
    std::string what;
    if (byte == ' ') {
      what = "a space";
    } else if (byte >= 0x80) {
      what = "non-ASCII " + describe_byte(byte) + " (write a host name in A-labels)";
    } else if (byte < 0x20 || byte == 0x7f) {
      what = "control character " + describe_byte(byte);
    } else {
      what = describe_byte(byte) + " (an RFC 2045 tspecial)";
    }
    return make_error(what + " at offset " + std::to_string(i));
  }
  return {};
}

std::string sanitize_value(std::string_view text, bool allow_utf8) {
  std::string out;
  out.reserve(text.size() < kMaxValueLength ? text.size() : kMaxValueLength);
  bool pending_space = false;
  std::size_t i = 0;
  while (i < text.size()) {
    auto u = static_cast<unsigned char>(text[i]);
    std::size_t length = 1;
    bool keep = true;
    if (u < 0x20 || u == 0x7f || u == ' ') {
      pending_space = !out.empty();
      ++i;
      continue;
    }
    if (u >= 0x80) {
      length = allow_utf8 ? utf8_sequence_length(text.substr(i)) : 0;
      keep = length > 0;
      if (!keep) length = 1;
      // A control (C1, a Unicode line separator, a bidi override) is a space, as C0 is: some
      // readers would start a line of their own at U+2028.
      if (keep && unicode_control(text.substr(i, length)) != UnicodeControl::none) {
        pending_space = !out.empty();
        i += length;
        continue;
      }
    }
    std::size_t needed = (pending_space ? 1 : 0) + (keep ? length : 1);
    if (out.size() + needed > kMaxValueLength) break;
    if (pending_space) out += ' ';
    pending_space = false;
    if (keep) {
      out.append(text.substr(i, length));
    } else {
      out += '?';
    }
    i += length;
  }
  return out;
}

std::string quote_value(std::string_view text) {
  if (is_token(text)) return std::string(text);
  std::string out;
  append_quoted(out, text);
  return out;
}

std::string quote_pvalue(std::string_view text) {
  std::string out;
  append_pvalue(out, text, false);
  return out;
}

std::string escape_comment(std::string_view text) {
  std::string out;
  append_comment_text(out, text);
  return out;
}

Result<std::string> format_clause(const Clause& clause, const FormatOptions& options) {
  if (auto r = check_clause(clause); !r) return r.error();
  Segments segments(12);
  clause_segments(segments, clause, options.allow_utf8);
  std::string out;
  for (const auto& s : segments.spans()) {
    if (!out.empty()) out += ' ';
    out += segments.text(s);
  }
  return out;
}

Result<std::string> format_field(const AuthResults& results, const FormatOptions& options) {
  const std::string& id = results.authserv_id;
  if (id.empty()) return make_error("authserv-id is empty");
  if (!is_clean_header_text(id, kMaxAuthservIdLength) || id.find(' ') != std::string::npos) {
    return make_error("authserv-id must be printable US-ASCII without spaces, at most " +
                      std::to_string(kMaxAuthservIdLength));
  }
  if (results.clauses.size() > kMaxClauses) {
    return make_error("more than " + std::to_string(kMaxClauses) + " resinfo clauses");
  }
  for (const auto& clause : results.clauses) {
    if (auto r = check_clause(clause); !r) return r.error();
  }

  Segments segments(8 + 12 * results.clauses.size());
  std::string first = quote_value(id);
  if (results.version) first += " " + std::to_string(*results.version);
  first += ";";
  segments.add(first, Join::soft);
  if (results.clauses.empty()) segments.add("none", Join::soft);
  for (std::size_t c = 0; c < results.clauses.size(); ++c) {
    clause_segments(segments, results.clauses[c], options.allow_utf8);
    if (c + 1 < results.clauses.size()) segments.append_to_last(';');
  }

  std::string out(kFieldName);
  out += ':';
  std::size_t single = out.size();
  for (const auto& s : segments.spans()) single += 1 + s.size;
  bool one_line = single <= options.max_line;
  out.reserve(single + single / 8 + 16);  // room for the folds

  std::size_t column = out.size();
  bool line_has_text = false;
  for (const auto& span : segments.spans()) {
    const std::string_view text = segments.text(span);
    std::string_view indent;
    bool fold = false;
    if (!one_line && line_has_text) {
      if (span.join == Join::clause) {
        fold = true;
        indent = "  ";
      } else if (column + 1 + text.size() > options.max_line) {
        fold = true;
        indent = span.join == Join::exact ? " " : "    ";
      }
    }
    if (fold) {
      out += options.line_ending;
      out += indent;
      column = indent.size();
    } else {
      out += ' ';
      ++column;
    }
    out += text;
    column += text.size();
    line_has_text = true;
  }
  out += options.line_ending;
  return out;
}

Result<std::string> format_value(const AuthResults& results, const FormatOptions& options) {
  auto field = format_field(results, options);
  if (!field) return field.error();
  std::string value = field->substr(kFieldName.size() + 1);
  value.resize(value.size() - options.line_ending.size());
  return value;
}

}  // namespace senderauth::authres
