#include "senderauth/message/content_type.hpp"

#include "senderauth/core/domain_name.hpp"
#include "senderauth/core/header_text.hpp"

namespace senderauth::message {
namespace {

class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}
  void skip_wsp() {
    while (pos_ < text_.size() && is_wsp(text_[pos_])) ++pos_;
  }
  bool at_end() const { return pos_ >= text_.size(); }
  bool take(char c) {
    if (at_end() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  std::string_view token() {
    const std::size_t start = pos_;
    while (!at_end() && is_token_char(text_[pos_])) ++pos_;
    return text_.substr(start, pos_ - start);
  }
  // After the opening quote: the content up to the closing one, quoted-pairs resolved.
  Result<std::string> quoted_rest() {
    std::string out;
    while (!at_end()) {
      char c = text_[pos_++];
      if (c == '"') return out;
      if (c == '\\') {
        if (at_end()) break;
        // A quoted-pair: only \" and \\ mean the same to every reader (Python's compat32 email
        // keeps "\b" as two characters), so any other is an error: compared as written.
        c = text_[pos_++];
        const bool ascii = static_cast<unsigned char>(c) < 0x80;  // 8-bit: refused just below
        if (ascii && c != '"' && c != '\\') return make_error(std::string("quoted-pair \\") + c);
      }
      if (static_cast<unsigned char>(c) >= 0x80) return make_error("8-bit byte in a quoted string");
      out.push_back(c);
    }
    return make_error("unterminated quoted string");
  }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

Result<ContentType> parse_content_type(std::string_view value) {
  Reader in(value);
  ContentType ct;
  in.skip_wsp();
  const std::string_view type = in.token();
  if (type.empty()) return make_error("no media type");
  // No white space around '/': readers take "multipart / alternative" for another type.
  if (!in.take('/')) return make_error("no '/' right after the media type");
  const std::string_view subtype = in.token();
  if (subtype.empty()) return make_error("no subtype after '/'");
  ct.type = ascii_lower(type);
  ct.subtype = ascii_lower(subtype);
  for (;;) {
    in.skip_wsp();
    if (in.at_end()) break;
    if (!in.take(';'))
      return make_error(std::string("unexpected '") + in.peek() + "' after " +
                        (ct.parameters.empty() ? "the subtype" : "a parameter"));
    in.skip_wsp();
    if (in.at_end()) break;  // a final ';', as many mailers write
    const std::string_view name = in.token();
    if (name.empty()) return make_error("no parameter name after ';'");
    in.skip_wsp();
    if (!in.take('=')) return make_error("no '=' after parameter " + std::string(name));
    in.skip_wsp();
    std::string parameter_value;
    if (in.take('"')) {
      auto quoted = in.quoted_rest();
      if (!quoted) return quoted.error();
      parameter_value = std::move(*quoted);
    } else {
      parameter_value = std::string(in.token());
      if (parameter_value.empty()) return make_error("no value for parameter " + std::string(name));
    }
    if (ct.parameters.size() == kMaxContentTypeParameters) {
      return make_error("more than " + std::to_string(kMaxContentTypeParameters) + " parameters");
    }
    ct.parameters.emplace_back(ascii_lower(name), std::move(parameter_value));
  }
  return ct;
}

std::string media_type_of(std::string_view value) {
  // Folding before the type: the value as received, not unfolded.
  while (!value.empty() &&
         (is_wsp(value.front()) || value.front() == '\r' || value.front() == '\n')) {
    value.remove_prefix(1);
  }
  Reader in(value);
  const std::string_view type = in.token();
  // As parse_content_type(): "text / plain" is no type a reader knows.
  if (type.empty() || !in.take('/')) return {};
  const std::string_view subtype = in.token();
  if (subtype.empty()) return {};
  return ascii_lower(value.substr(0, type.size() + 1 + subtype.size()));
}

std::string ContentType::comparable_form() const {
  std::string out = type + "/" + subtype;
  for (const auto& [name, value] : parameters) {
    // RFC 2046 4.1.2: charset values are not case-sensitive; a boundary and others may be.
    // Quoted, so that a value holding ";x=" cannot read as two parameters.
    out.append(";").append(name).append("=\"");
    for (char c : name == "charset" ? ascii_lower(value) : value) {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    out.push_back('"');
  }
  return out;
}

}  // namespace senderauth::message
