#include "master_file_lexer.hpp"

#include <cctype>
#include <utility>

#include "zone_limits.hpp"

namespace senderauth::dns::master_file {

namespace {

Error line_error(std::size_t line, const std::string& why) {
  return make_error("line " + std::to_string(line) + ": " + why);
}

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

bool ends_unquoted_token(char c) {
  return is_blank(c) || c == '\n' || c == ';' || c == '(' || c == ')' || c == '"';
}

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  Result<std::vector<Entry>> run() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (at_line_start_) {
        at_line_start_ = false;
        if (depth_ == 0) {
          entry_ = Entry{};
          entry_.line = line_;
          entry_.blank_owner = is_blank(c);
        }
      }
      if (c == '\n') {
        if (depth_ == 0 && !finish_entry()) return error_;
        ++line_;
        ++pos_;
        at_line_start_ = true;
      } else if (is_blank(c)) {
        ++pos_;
      } else if (c == ';') {
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
      } else if (c == '(') {
        if (depth_ == 0) open_line_ = line_;
        ++depth_;
        ++pos_;
      } else if (c == ')') {
        if (depth_ == 0) return line_error(line_, "')' without '('");
        --depth_;
        ++pos_;
      } else if (c == '"') {
        if (!read_quoted()) return error_;
      } else {
        if (!read_unquoted()) return error_;
      }
    }
    if (depth_ != 0) return line_error(open_line_, "'(' is never closed");
    if (!finish_entry()) return error_;
    return std::move(entries_);
  }

 private:
  bool fail(std::size_t line, const std::string& why) {
    error_ = line_error(line, why);
    return false;
  }

  bool push(Token token) {
    if (entry_.tokens.size() >= zone_limits::kMaxEntryTokens) {
      return fail(entry_.line, "more than " + std::to_string(zone_limits::kMaxEntryTokens) +
                                   " fields in one entry");
    }
    entry_.tokens.push_back(std::move(token));
    return true;
  }

  bool finish_entry() {
    if (!entry_.tokens.empty()) entries_.push_back(std::move(entry_));
    entry_ = Entry{};
    return true;
  }

  bool read_quoted() {
    const std::size_t start_line = line_;
    ++pos_;
    Token token{"", true};
    while (true) {
      if (pos_ >= text_.size() || text_[pos_] == '\n') {
        return fail(start_line, "quoted string is not closed on its line");
      }
      const char c = text_[pos_];
      if (c == '"') break;
      if (c == '\\') {
        if (pos_ + 1 >= text_.size() || text_[pos_ + 1] == '\n') {
          return fail(start_line, "'\\' at the end of a quoted string");
        }
        token.raw.push_back(c);
        ++pos_;
      }
      token.raw.push_back(text_[pos_]);
      ++pos_;
    }
    ++pos_;  // closing quote
    return push(std::move(token));
  }

  bool read_unquoted() {
    Token token;
    while (pos_ < text_.size() && !ends_unquoted_token(text_[pos_])) {
      if (text_[pos_] == '\\') {
        if (pos_ + 1 >= text_.size() || text_[pos_ + 1] == '\n') {
          return fail(line_, "'\\' at the end of a line");
        }
        token.raw.push_back('\\');
        ++pos_;
      }
      token.raw.push_back(text_[pos_]);
      ++pos_;
    }
    return push(std::move(token));
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
  std::size_t open_line_ = 0;
  int depth_ = 0;
  bool at_line_start_ = true;
  Entry entry_;
  std::vector<Entry> entries_;
  Error error_;
};

}  // namespace

Result<std::vector<Entry>> split_entries(std::string_view text) {
  return Lexer(text).run();
}

Result<std::string> decode_character_string(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '\\') {
      out.push_back(raw[i]);
      continue;
    }
    if (i + 1 >= raw.size()) return make_error("'\\' at the end of a string");
    const auto digit = [&](std::size_t k) {
      return k < raw.size() && std::isdigit(static_cast<unsigned char>(raw[k])) != 0;
    };
    if (digit(i + 1)) {
      if (!digit(i + 2) || !digit(i + 3)) return make_error("\\DDD needs three digits");
      const int value = (raw[i + 1] - '0') * 100 + (raw[i + 2] - '0') * 10 + (raw[i + 3] - '0');
      if (value > 255) return make_error("\\" + std::string(raw.substr(i + 1, 3)) + " is over 255");
      out.push_back(static_cast<char>(value));
      i += 3;
    } else {
      out.push_back(raw[i + 1]);
      ++i;
    }
  }
  return out;
}

}  // namespace senderauth::dns::master_file
