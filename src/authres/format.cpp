#include "senderauth/authres/format.hpp"

#include <string>
#include <vector>

#include "senderauth/core/domain_name.hpp"
#include "senderauth/core/utf8.hpp"

namespace senderauth::authres {

namespace {

bool is_atext(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '/':
    case '=':
    case '?':
    case '^':
    case '_':
    case '`':
    case '{':
    case '|':
    case '}':
    case '~':
      return true;
    default:
      return false;
  }
}

bool is_dot_atom_text(std::string_view text) {
  if (text.empty() || text.front() == '.' || text.back() == '.') return false;
  char previous = 0;
  for (char c : text) {
    if (c == '.' ? previous == '.' : !is_atext(c)) return false;
    previous = c;
  }
  return true;
}

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

bool is_mailbox_form(std::string_view text) {
  auto at = text.rfind('@');
  if (at == std::string_view::npos) return false;
  std::string_view local = text.substr(0, at);
  return (local.empty() || is_dot_atom_text(local)) && is_domain_name(text.substr(at + 1));
}

void append_quoted(std::string& out, std::string_view text) {
  out += '"';
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

void append_escaped_comment(std::string& out, std::string_view text) {
  for (char c : text) {
    if (c == '(' || c == ')' || c == '\\') out += '\\';
    out += c;
  }
}

// True when sanitize_value(text) == text: printable US-ASCII, single inner spaces, short
// enough. Nearly every value is; they are then used in place instead of copied.
bool is_sanitized(std::string_view text) {
  if (text.size() > kMaxValueLength) return false;
  char previous = ' ';  // a leading space is not clean
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f || (c == ' ' && previous == ' ')) return false;
    previous = c;
  }
  return previous != ' ' || text.empty();
}

// The sanitised form of `text`: `text` itself when already clean, else a copy in `buffer`.
std::string_view sanitized(std::string_view text, bool allow_utf8, std::string& buffer) {
  if (is_sanitized(text)) return text;
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

  void add(std::string_view text, Join join) {
    spans_.push_back(Span{text_.size(), text.size(), join});
    text_ += text;
  }
  // Splits `text` at its spaces: the first piece joins with `first_join`, the rest with
  // `inner_join` (exact inside quoted strings, where the space is part of the value).
  void add_split(std::string_view text, Join first_join, Join inner_join) {
    std::size_t start = 0;
    bool first = true;
    while (start <= text.size()) {
      std::size_t space = text.find(' ', start);
      std::size_t end = space == std::string_view::npos ? text.size() : space;
      add(text.substr(start, end - start), first ? first_join : inner_join);
      first = false;
      if (space == std::string_view::npos) break;
      start = space + 1;
    }
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

Result<void> check_keyword(std::string_view what, std::string_view text) {
  if (text.size() > kMaxKeywordLength) {
    return make_error(std::string(what) + " longer than " + std::to_string(kMaxKeywordLength));
  }
  if (!is_keyword(text)) {
    return make_error(std::string(what) + " \"" + sanitize_value(text) + "\" is not a keyword");
  }
  return {};
}

Result<void> check_clause(const Clause& clause) {
  if (auto r = check_keyword("method", clause.method); !r) return r;
  if (!clause.method_version.empty()) {
    if (clause.method_version.size() > 9 ||
        clause.method_version.find_first_not_of("0123456789") != std::string::npos) {
      return make_error("method-version of " + clause.method + " is not a number");
    }
  }
  if (auto r = check_keyword("result of " + clause.method, clause.result); !r) return r;
  if (clause.properties.size() > kMaxProperties) {
    return make_error(clause.method + " has more than " + std::to_string(kMaxProperties) +
                      " properties");
  }
  for (const auto& p : clause.properties) {
    if (auto r = check_keyword("ptype", p.ptype); !r) return r;
    if (auto r = check_keyword("property", p.name); !r) return r;
  }
  return {};
}

// Appends the segments of one resinfo (not its separating ";").
void clause_segments(Segments& out, const Clause& clause, bool allow_utf8) {
  std::string item = clause.method;
  if (!clause.method_version.empty()) (item += '/') += clause.method_version;
  (item += '=') += clause.result;
  out.add(item, Join::clause);

  std::string buffer;
  std::string_view comment = sanitized(clause.comment, allow_utf8, buffer);
  if (!comment.empty()) {
    item.assign(1, '(');
    append_escaped_comment(item, comment);
    item += ')';
    out.add_split(item, Join::soft, Join::soft);
  }
  std::string_view reason = sanitized(clause.reason, allow_utf8, buffer);
  if (!reason.empty()) {
    item.assign("reason=");
    if (is_token(reason)) {
      item += reason;
    } else {
      append_quoted(item, reason);
    }
    out.add_split(item, Join::soft, Join::exact);
  }
  for (const auto& p : clause.properties) {
    std::string_view value = sanitized(p.value, allow_utf8, buffer);
    item.assign(p.ptype);
    ((item += '.') += p.name) += '=';
    if (is_token(value) || is_mailbox_form(value)) {
      item += value;
    } else {
      append_quoted(item, value);
    }
    out.add_split(item, Join::soft, Join::exact);
  }
}

}  // namespace

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
  if (is_token(text) || is_mailbox_form(text)) return std::string(text);
  std::string out;
  append_quoted(out, text);
  return out;
}

std::string escape_comment(std::string_view text) {
  std::string out;
  append_escaped_comment(out, text);
  return out;
}

Result<std::string> format_clause(const Clause& clause, const FormatOptions& options) {
  if (auto r = check_clause(clause); !r) return r.error();
  Segments segments;
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
  if (id.size() > 255 || !is_sanitized(id) || id.find(' ') != std::string::npos) {
    return make_error("authserv-id must be printable US-ASCII without spaces, at most 255");
  }
  if (results.clauses.size() > kMaxClauses) {
    return make_error("more than " + std::to_string(kMaxClauses) + " resinfo clauses");
  }
  for (const auto& clause : results.clauses) {
    if (auto r = check_clause(clause); !r) return r.error();
  }

  Segments segments;
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
