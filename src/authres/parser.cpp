// A hand-written recursive-descent reader for RFC 8601 2.2. CFWS (whitespace, CRLF folding,
// nested comments) is skipped between every pair of items; comment text is kept per resinfo.
#include "senderauth/authres/parser.hpp"

#include <string>

#include "authres/token_chars.hpp"
#include "senderauth/core/domain_name.hpp"
#include "senderauth/core/header_text.hpp"

namespace senderauth::authres {

namespace {

constexpr int kMaxCommentDepth = 32;

bool is_wsp(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

class Reader {
 public:
  Reader(std::string_view text, bool strict) : text_(text), strict_(strict) {}

  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }
  std::size_t pos() const { return pos_; }
  void advance() { ++pos_; }
  bool strict() const { return strict_; }

  Error error(std::string_view what) const {
    return make_error(std::string(what) + " at offset " + std::to_string(pos_));
  }
  // A limit was exceeded: no lenient recovery after this.
  Error fatal(std::string_view what) {
    fatal_ = true;
    return error(what);
  }
  bool failed_fatally() const { return fatal_; }

  // Skips whitespace and comments; comment texts go to `comments` (space-separated) when
  // given. False when a comment is unterminated or nested too deep.
  bool skip_cfws(std::string* comments = nullptr) {
    while (!at_end()) {
      char c = peek();
      if (is_wsp(c)) {
        advance();
      } else if (c == '(') {
        std::string text;
        if (!read_comment(text)) return false;
        if (comments) {
          if (!comments->empty() && !text.empty()) *comments += ' ';
          *comments += text;
        }
      } else {
        break;
      }
    }
    return true;
  }

  // A quoted-string at the current '"'; its content unescaped. Folding inside is removed.
  bool read_quoted(std::string& out) {
    advance();  // opening quote
    while (!at_end()) {
      char c = peek();
      if (c == '"') {
        advance();
        return true;
      }
      if (c == '\\') {
        advance();
        if (at_end()) return false;
        out += peek();
      } else if (c != '\r' && c != '\n') {
        out += c;
      }
      advance();
    }
    return false;
  }

  std::string_view read_while(bool (*pred)(char)) {
    std::size_t start = pos_;
    while (!at_end() && pred(peek())) advance();
    return text_.substr(start, pos_ - start);
  }

  std::string_view read_keyword() {
    std::size_t start = pos_;
    while (!at_end() && is_keyword_char(peek(), !strict_)) advance();
    return text_.substr(start, pos_ - start);
  }

  void rewind(std::size_t to) { pos_ = to; }

 private:
  bool read_comment(std::string& out) {
    int depth = 0;
    while (!at_end()) {
      char c = peek();
      advance();
      if (c == '(') {
        if (++depth > kMaxCommentDepth) return false;
        if (depth > 1) out += c;
      } else if (c == ')') {
        if (--depth == 0) {
          if (!out.empty() && out.back() == ' ') out.pop_back();
          return true;
        }
        out += c;
      } else if (c == '\\') {
        if (at_end()) return false;
        out += peek();
        advance();
      } else if (is_wsp(c)) {
        // Whitespace in a comment carries no meaning: folds and runs become one space.
        if (!out.empty() && out.back() != ' ') out += ' ';
      } else {
        out += c;
      }
    }
    return false;
  }

  std::string_view text_;
  bool strict_;
  bool fatal_ = false;
  std::size_t pos_ = 0;
};

// value = token / quoted-string (RFC 2045).
Result<std::string> read_value(Reader& r, std::string_view what) {
  if (r.peek() == '"') {
    std::string out;
    if (!r.read_quoted(out)) return r.error("unterminated quoted-string in " + std::string(what));
    return out;
  }
  std::string_view token = r.read_while(is_token_char);
  if (token.empty()) return r.error("expected a value for " + std::string(what));
  return std::string(token);
}

bool is_lenient_pvalue_char(char c) {
  auto u = static_cast<unsigned char>(c);
  // Anything but whitespace, controls, ';', '(' and '"': real pvalues carry '/', '=', ':'...
  // Non-ASCII is kept (RFC 6532 addresses).
  return (u > 0x20 && u != 0x7f && c != ';' && c != '(' && c != ')' && c != '"');
}

bool is_mailbox_char(char c) {
  // atext, '.', and '@' (local-part "@" domain-name); the form is checked afterwards.
  return is_token_char(c) || c == '@' || c == '/' || c == '=' || c == '?';
}

bool valid_mailbox_pvalue(std::string_view text) {
  auto at = text.rfind('@');
  if (at == std::string_view::npos) return false;
  std::string_view domain = text.substr(at + 1);
  if (domain.empty() ||
      !parse_domain(domain, DomainSyntax{.allow_trailing_dot = false, .allow_underscore = false})) {
    return false;
  }
  std::string_view local = text.substr(0, at);
  if (local.find('@') != std::string_view::npos) return false;
  if (!local.empty() &&
      (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos)) {
    return false;
  }
  return true;
}

// pvalue = [CFWS] ( value / [ [ local-part ] "@" ] domain-name ) [CFWS]
Result<std::string> read_pvalue(Reader& r) {
  if (r.peek() == '"') {
    std::string out;
    if (!r.read_quoted(out)) return r.error("unterminated quoted-string in property value");
    // A quoted local-part: "john doe"@example.com stays the address it is, its local part
    // quoted again (with only '"' and '\\' escaped).
    if (r.peek() == '@') {
      r.advance();
      std::string address = "\"";
      append_escaped(address, out, [](char c) { return c == '"' || c == '\\'; });
      address += "\"@";
      address += r.read_while(is_token_char);
      return address;
    }
    return out;
  }
  std::string_view text = r.read_while(r.strict() ? is_mailbox_char : is_lenient_pvalue_char);
  if (r.strict() && !text.empty()) {
    bool token = text.find_first_of("@/=?") == std::string_view::npos;
    if (!token && !valid_mailbox_pvalue(text)) {
      return r.error("property value \"" + std::string(text) +
                     "\" is neither a token nor "
                     "local-part@domain");
    }
  }
  // An empty pvalue ("smtp.mailfrom=;") is accepted: senders write it for the null path.
  return std::string(text);
}

Result<std::string> read_keyword(Reader& r, std::string_view what) {
  std::string_view k = r.read_keyword();
  if (k.empty()) return r.error("expected " + std::string(what));
  if (k.size() > kMaxKeywordLength) return r.fatal(std::string(what) + " too long");
  if (r.strict() && k.back() == '-') return r.error(std::string(what) + " ends in '-'");
  return std::string(k);
}

// methodspec [CFWS reasonspec] [CFWS 1*propspec], up to (not including) ';' or the end.
Result<Clause> read_resinfo(Reader& r) {
  Clause clause;
  if (!r.skip_cfws(&clause.comment)) return r.error("bad comment");
  auto method = read_keyword(r, "method");
  if (!method) return method.error();
  clause.method = std::move(*method);
  if (!r.skip_cfws(&clause.comment)) return r.error("bad comment");
  if (r.peek() == '/') {
    r.advance();
    if (!r.skip_cfws(&clause.comment)) return r.error("bad comment");
    auto digits = r.read_while([](char c) { return c >= '0' && c <= '9'; });
    if (digits.empty() || digits.size() > 9) return r.error("expected a method-version");
    clause.method_version = std::string(digits);
    if (!r.skip_cfws(&clause.comment)) return r.error("bad comment");
  }
  if (r.peek() != '=') return r.error("expected '=' after method " + clause.method);
  r.advance();
  if (!r.skip_cfws(&clause.comment)) return r.error("bad comment");
  auto result = read_keyword(r, "result of " + clause.method);
  if (!result) return result.error();
  clause.result = std::move(*result);

  bool have_reason = false;
  while (true) {
    if (!r.skip_cfws(&clause.comment)) return r.error("bad comment");
    if (r.at_end() || r.peek() == ';') break;
    auto name = read_keyword(r, "reason or property");
    if (!name) return name.error();
    if (!r.skip_cfws(&clause.comment)) return r.error("bad comment");
    if (r.peek() == '.') {
      r.advance();
      if (!r.skip_cfws(&clause.comment)) return r.error("bad comment");
      auto property = read_keyword(r, "property name");
      if (!property) return property.error();
      if (!r.skip_cfws(&clause.comment)) return r.error("bad comment");
      if (r.peek() != '=') return r.error("expected '=' after " + *name + "." + *property);
      r.advance();
      if (!r.skip_cfws(&clause.comment)) return r.error("bad comment");
      auto value = read_pvalue(r);
      if (!value) return value.error();
      if (clause.properties.size() >= kMaxProperties) return r.fatal("too many properties");
      clause.add_property(*name, *property, *value);
      continue;
    }
    if (r.peek() != '=') return r.error("expected '.' or '=' after " + *name);
    r.advance();
    if (!r.skip_cfws(&clause.comment)) return r.error("bad comment");
    if (iequals(*name, "reason")) {
      if (r.strict() && (have_reason || !clause.properties.empty())) {
        return r.error("reason must come once, before the properties");
      }
      bool quoted = r.peek() == '"';
      auto value = read_value(r, "reason");
      if (!value) {
        if (r.strict() || quoted) return value.error();
        value = std::string(r.read_while(is_lenient_pvalue_char));
      }
      clause.reason = std::move(*value);
      have_reason = true;
      continue;
    }
    if (r.strict()) return r.error("\"" + *name + "=\" is neither reason= nor ptype.property=");
    // Lenient: "action=none" and the like, kept with an empty ptype.
    auto value = read_pvalue(r);
    if (!value) return value.error();
    if (clause.properties.size() >= kMaxProperties) return r.fatal("too many properties");
    clause.add_property("", *name, *value);
  }
  return clause;
}

// Lenient recovery: from `start`, past quoted strings and comments, to the next ';' or the
// end. False when a quoted string or comment never ends (nothing sensible follows).
bool skip_to_separator(Reader& r, std::size_t start) {
  r.rewind(start);
  while (!r.at_end() && r.peek() != ';') {
    if (r.peek() == '"') {
      std::string ignored;
      if (!r.read_quoted(ignored)) return false;
    } else if (r.peek() == '(') {
      if (!r.skip_cfws()) return false;
    } else {
      r.advance();
    }
  }
  return true;
}

// The resinfos after the first ';' (already consumed), to the end.
Result<void> read_resinfos(Reader& r, AuthResults& results) {
  std::vector<Clause>& out = results.clauses;
  while (true) {
    std::size_t start = r.pos();
    auto clause = read_resinfo(r);
    if (!clause) {
      if (r.strict() || r.failed_fatally() || !skip_to_separator(r, start)) {
        return clause.error();
      }
      ++results.skipped_resinfos;
    } else {
      if (out.size() >= kMaxClauses) return r.fatal("too many resinfo clauses");
      out.push_back(std::move(*clause));
    }
    if (r.at_end()) return {};
    r.advance();  // ';'
    if (!r.skip_cfws()) return r.error("bad comment");
    if (r.at_end()) {
      if (r.strict()) return r.error("trailing ';'");
      return {};
    }
  }
}

// True when the reader stands at a keyword followed (after CFWS) by '=' or '/': a resinfo.
bool looks_like_resinfo(Reader& r) {
  std::size_t start = r.pos();
  std::string_view k = r.read_keyword();
  bool yes = !k.empty() && r.skip_cfws() && (r.peek() == '=' || r.peek() == '/');
  r.rewind(start);
  return yes;
}

}  // namespace

Result<AuthResults> parse_authres(std::string_view value, const ParseOptions& options) {
  if (value.size() > kMaxParseInput) {
    return make_error("Authentication-Results longer than " + std::to_string(kMaxParseInput));
  }
  Reader r(value, options.strict);
  AuthResults out;
  if (!r.skip_cfws()) return r.error("bad comment");
  if (!options.strict && looks_like_resinfo(r)) {
    // No authserv-id at all (seen from Microsoft): resinfos straight away.
    auto rest = read_resinfos(r, out);
    if (!rest) return rest.error();
    return out;
  }
  auto id = read_value(r, "authserv-id");
  if (!id) return id.error();
  out.authserv_id = std::move(*id);
  std::size_t before = r.pos();
  if (!r.skip_cfws()) return r.error("bad comment");
  if (r.pos() > before && r.peek() >= '0' && r.peek() <= '9') {
    auto digits = r.read_while([](char c) { return c >= '0' && c <= '9'; });
    if (digits.size() > 9) return r.error("authres-version too long");
    out.version = static_cast<unsigned>(std::stoul(std::string(digits)));
    if (!r.skip_cfws()) return r.error("bad comment");
  }
  if (r.at_end()) {
    if (options.strict) return r.error("expected ';' after the authserv-id");
    return out;
  }
  if (r.peek() != ';') return r.error("expected ';' after the authserv-id");
  r.advance();
  if (!r.skip_cfws()) return r.error("bad comment");
  if (r.at_end()) {
    if (options.strict) return r.error("expected a resinfo or \"none\"");
    return out;
  }
  std::size_t start = r.pos();
  if (iequals(r.read_keyword(), "none")) {
    if (!r.skip_cfws()) return r.error("bad comment");
    if (r.at_end()) return out;
    if (r.peek() == ';' && !options.strict) {
      r.advance();
      if (!r.skip_cfws()) return r.error("bad comment");
      if (r.at_end()) return out;
    }
    if (r.peek() != '=' && r.peek() != '/') return r.error("unexpected text after \"none\"");
  }
  r.rewind(start);
  auto rest = read_resinfos(r, out);
  if (!rest) return rest.error();
  return out;
}

Result<Clause> parse_clause(std::string_view text, const ParseOptions& options) {
  if (text.size() > kMaxParseInput) return make_error("resinfo too long");
  Reader r(text, options.strict);
  auto clause = read_resinfo(r);
  if (!clause) return clause.error();
  if (!r.at_end()) return r.error("text after the resinfo");
  return clause;
}

std::optional<std::string> extract_authserv_id(std::string_view value) {
  Reader r(value.substr(0, kMaxParseInput), false);
  if (!r.skip_cfws()) return std::nullopt;
  if (looks_like_resinfo(r)) return std::nullopt;
  auto id = read_value(r, "authserv-id");
  if (!id) return std::nullopt;
  return std::move(*id);
}

}  // namespace senderauth::authres
