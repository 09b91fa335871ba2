#include "senderauth/message/message_reader.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

#include "senderauth/core/byte_text.hpp"
#include "senderauth/core/header_text.hpp"
#include "senderauth/core/line_ends.hpp"

namespace senderauth::message {

void FanoutSink::on_headers(const HeaderList& headers) {
  for (auto* s : sinks_) s->on_headers(headers);
}
bool FanoutSink::reads_bare_lf() const {
  for (const auto* s : sinks_) {
    if (!s->reads_bare_lf()) return false;
  }
  return true;
}

void FanoutSink::on_body(std::string_view chunk) {
  for (auto* s : sinks_) s->on_body(chunk);
}
void FanoutSink::on_end() {
  for (auto* s : sinks_) s->on_end();
}
void FanoutSink::on_field_after_error(const HeaderField& field) {
  for (auto* s : sinks_) s->on_field_after_error(field);
}

MessageReader::MessageReader(MessageSink* sink, ReaderLimits limits)
    : sink_(sink), limits_(limits) {
  headers_.reserve(32);  // a typical header section without growing (and moving) the list
}

Result<void> MessageReader::fail(std::string reason) {
  state_ = State::failed;
  error_ = std::move(reason);
  return make_error(error_);
}

Result<void> MessageReader::fail_headers(std::string reason, std::string_view unread) {
  state_ = State::salvage;
  error_ = std::move(reason);
  // The field being collected, complete or not, is the first the scan hands on.
  const std::string_view pending = field_in_chunk_.empty() ? field_ : field_in_chunk_;
  salvage_field_.assign(pending.substr(0, limits_.max_field_bytes));
  field_in_chunk_ = {};
  field_.clear();
  salvage_line_ = 0;
  salvage(unread);
  return make_error(error_);
}

// The rest of an unreadable header section, line by line in pieces of any size, up to its empty
// line: each field goes to the sink once the next line shows it complete. Only the field being
// scanned is kept, cut at max_field_bytes.
void MessageReader::salvage(std::string_view bytes) {
  while (!bytes.empty() && state_ == State::salvage) {
    const void* nl = std::memchr(bytes.data(), '\n', bytes.size());
    const std::size_t size =
        nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - bytes.data()) + 1
           : bytes.size();
    const std::string_view piece = bytes.substr(0, size);
    bytes.remove_prefix(size);
    if (salvage_line_ == 0) {
      salvage_line_blank_ = true;
      if (!is_wsp(piece.front())) end_salvaged_field();  // not a continuation line
    }
    // Blank: nothing but CRs before the LF. A message whose line ends were all doubled to CR CR
    // LF (PHP's mail() through a converting MTA) ends its header section with such a line, as
    // Python's email package and Postfix read it; scanning on would take the body for fields.
    const std::string_view text = nl ? piece.substr(0, size - 1) : piece;
    salvage_line_blank_ =
        salvage_line_blank_ && text.find_first_not_of('\r') == std::string_view::npos;
    salvage_line_ += size;
    const std::size_t kept = std::min(salvage_field_.size(), limits_.max_field_bytes);
    salvage_field_.append(piece.substr(0, limits_.max_field_bytes - kept));
    if (!nl) continue;
    salvage_line_ = 0;
    if (salvage_line_blank_) {  // the empty line
      salvage_field_.clear();
      state_ = State::failed;
    }
  }
}

// Hands the field scanned on: a line that has a colon and does not start with a space or tab
// (continuation lines with no field before them are no field), with what continued it.
void MessageReader::end_salvaged_field() {
  const std::size_t colon = salvage_field_.find(':');
  if (sink_ && colon != std::string::npos && colon < salvage_field_.find('\n') &&
      !is_wsp(salvage_field_.front())) {
    if (!salvage_field_.ends_with('\n')) {  // cut at the size limit, or the input's last line
      if (salvage_field_.back() == '\r') salvage_field_.pop_back();
      salvage_field_.push_back('\n');
    }
    // In CRLF form, as the fields read before the error.
    std::string field;
    field.reserve(salvage_field_.size() + 8);
    for (std::size_t i = 0; i < salvage_field_.size(); ++i) {
      if (salvage_field_[i] == '\n' && (i == 0 || salvage_field_[i - 1] != '\r')) field += '\r';
      field += salvage_field_[i];
    }
    sink_->on_field_after_error(HeaderField(std::move(field)));
  }
  salvage_field_.clear();
}

Result<void> MessageReader::close_field(std::string_view unread) {
  if (field_.empty() && field_in_chunk_.empty()) return {};
  if (headers_.size() >= limits_.max_header_fields) {
    return fail_headers("more than " + std::to_string(limits_.max_header_fields) + " header fields",
                        unread);
  }
  if (!field_in_chunk_.empty()) {
    headers_.emplace_back(std::string(field_in_chunk_));  // one allocation of the exact size
    field_in_chunk_ = {};
  } else {
    headers_.emplace_back(std::move(field_));
    field_.clear();
  }
  return {};
}

void MessageReader::keep_field_bytes() {
  if (field_in_chunk_.empty()) return;
  field_.assign(field_in_chunk_);
  field_in_chunk_ = {};
}

void MessageReader::end_headers() {
  state_ = State::body;
  if (sink_) sink_->on_headers(headers_);
  // Asked now, not at construction: a FanoutSink may have been given its sinks since.
  raw_body_ = sink_ != nullptr && sink_->reads_bare_lf();
}

namespace {

// An mbox "From " line ("From joe@example.test Mon Jan  1 00:00:00 2026") opens a stored
// message; it is not a field. A line "From :" is a From field in RFC 5322's obsolete syntax
// (4.5.2: whitespace before the colon): a mail reader shows it, so it must never be skipped,
// or a forged author could hide in front of the one DMARC judges.
bool is_mbox_separator(std::string_view line) {
  if (!line.starts_with("From ")) return false;
  const std::size_t colon = line.find(':');
  return colon == std::string_view::npos ||
         field_name_before_colon(line.substr(0, colon)) != "From";
}

// RFC 5322 2.2: a field name is printable US-ASCII other than the colon; the obsolete syntax
// (4.5.2) allows whitespace before the colon. Anything else is refused, not read as some field:
// a reader that stops at a NUL sees "From\0x:" as a From field, one that does not sees another.
std::string bad_field_name(std::string_view before_colon) {
  const std::string_view name = field_name_before_colon(before_colon);
  if (name.empty()) return "header field with an empty name";
  for (std::size_t i = 0; i < name.size(); ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    if (c < 33 || c > 126) {
      return "header field name with " + describe_byte(c) + " at offset " + std::to_string(i);
    }
  }
  return {};
}

// The start of a header line for an error message, its CRLF left out and bytes that do not
// show as themselves escaped: a line of one CR would otherwise show as nothing.
std::string shown_line(std::string_view line) {
  line = line.substr(0, line.size() - 2);
  std::string out = "\"";
  for (std::size_t i = 0; i < line.size() && i < 40; ++i) {
    const auto c = static_cast<unsigned char>(line[i]);
    if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
      static constexpr char kHex[] = "0123456789abcdef";
      out += c == '"' || c == '\\' ? std::string("\\") + static_cast<char>(c)
                                   : std::string("\\x") + kHex[c >> 4] + kHex[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
  out += line.size() > 40 ? "\"..." : "\"";
  return out;
}

}  // namespace

Result<void> MessageReader::header_line(std::string_view line, bool in_chunk) {
  header_bytes_ += line.size();
  if (header_bytes_ > limits_.max_header_bytes) {
    return fail_headers(
        "header section larger than " + std::to_string(limits_.max_header_bytes) + " bytes", line);
  }
  if (state_ == State::start) {
    state_ = State::headers;
    if (is_mbox_separator(line)) return {};
  }
  // PHP's mail() hands sendmail CRLF line ends, which an MTA that adds a CR before each LF
  // makes "\r\r\n": then the empty line is "\r\r\n" too. Postfix ends the header section at
  // that line (not a header), and so does a reader that splits lines at CR. Only after a line
  // that ends so (fields added on top, a Received or a DKIM-Signature, end in CRLF): after an
  // ordinary line end it would hide what follows from us, and not from a reader that splits
  // lines at CR, which sees no empty line there.
  const bool after_cr_crlf = previous_line_cr_crlf_;
  previous_line_cr_crlf_ = line.ends_with("\r\r\n");
  if (line == "\r\n" || (line == "\r\r\n" && after_cr_crlf)) {
    if (auto r = close_field(line); !r) return r;
    end_headers();
    return {};
  }
  if (line[0] == ' ' || line[0] == '\t') {
    if (field_.empty() && field_in_chunk_.empty()) {
      return fail_headers("header section starts with a continuation line", line);
    }
    if (in_chunk && !field_in_chunk_.empty() &&
        field_in_chunk_.data() + field_in_chunk_.size() == line.data()) {
      field_in_chunk_ =
          std::string_view(field_in_chunk_.data(), field_in_chunk_.size() + line.size());
    } else {
      keep_field_bytes();
      field_.append(line);
    }
  } else {
    if (auto r = close_field(line); !r) return r;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      return fail_headers("header line without a colon: " + shown_line(line), line);
    }
    if (std::string bad = bad_field_name(line.substr(0, colon)); !bad.empty()) {
      return fail_headers(std::move(bad), line);
    }
    if (in_chunk) {
      field_in_chunk_ = line;  // copied once, when the field is complete
    } else {
      field_.assign(line);
    }
  }
  if (field_.size() + field_in_chunk_.size() > limits_.max_field_bytes) {
    return fail_headers(
        "header field larger than " + std::to_string(limits_.max_field_bytes) + " bytes", {});
  }
  return {};
}

void MessageReader::emit_body(std::string_view bytes) {
  if (bytes.empty()) return;
  if (raw_body_) {  // the sink reads bare LFs itself, in the pass it makes anyway
    body_bytes_ += bytes.size();
    sink_->on_body(bytes);
    return;
  }
  // Fast path: no bare LF in the chunk, hand it on as it is.
  std::size_t lf = find_bare_lf(bytes, last_body_cr_);
  last_body_cr_ = bytes.back() == '\r';
  if (lf == std::string_view::npos) {
    body_bytes_ += bytes.size();
    if (sink_) sink_->on_body(bytes);
    return;
  }
  // From one bare LF to the next: the text between goes over whole, each LF gets its CR.
  body_buf_.clear();
  body_buf_.reserve(bytes.size() + bytes.size() / 16);
  std::size_t at = 0;
  while (lf != std::string_view::npos) {
    body_buf_.append(bytes.substr(at, lf - at));
    body_buf_.append("\r\n");
    at = lf + 1;
    // The byte before bytes[at] is that LF, not a CR.
    const std::size_t next = find_bare_lf(bytes.substr(at), false);
    lf = next == std::string_view::npos ? next : at + next;
  }
  body_buf_.append(bytes.substr(at));
  body_bytes_ += body_buf_.size();
  if (sink_) sink_->on_body(body_buf_);
}

Result<void> MessageReader::feed(std::string_view chunk) {
  auto fed = feed_chunk(chunk);
  keep_field_bytes();  // the chunk's bytes are the caller's only until this returns
  return fed;
}

Result<void> MessageReader::feed_chunk(std::string_view chunk) {
  if (state_ == State::salvage) salvage(chunk);
  if (state_ == State::salvage || state_ == State::failed) return make_error(error_);
  if (state_ == State::done) return fail("input after the end of the message");
  std::size_t pos = 0;
  while (pos < chunk.size() && (state_ == State::start || state_ == State::headers)) {
    const void* nl = std::memchr(chunk.data() + pos, '\n', chunk.size() - pos);
    if (!nl) {
      line_.append(chunk.substr(pos));
      if (line_.size() > limits_.max_field_bytes) {
        auto r = fail_headers(
            "header line longer than " + std::to_string(limits_.max_field_bytes) + " bytes", line_);
        line_.clear();
        return r;
      }
      return {};
    }
    std::size_t at = static_cast<const char*>(nl) - chunk.data();
    if (line_.empty() && at > pos && chunk[at - 1] == '\r') {
      // A whole CRLF line inside this chunk (the usual case): read it where it is.
      auto r = header_line(chunk.substr(pos, at + 1 - pos), true);
      pos = at + 1;
      if (!r) {
        salvage(chunk.substr(pos));
        return r;
      }
      continue;
    }
    line_.append(chunk.substr(pos, at - pos));
    pos = at + 1;
    if (!line_.empty() && line_.back() == '\r') line_.pop_back();
    line_.append("\r\n");
    auto r = header_line(line_, false);
    line_.clear();
    if (!r) {
      salvage(chunk.substr(pos));
      return r;
    }
  }
  if (state_ == State::body && pos < chunk.size()) {
    emit_body(chunk.substr(pos));
  }
  return {};
}

Result<void> MessageReader::finish() {
  if (state_ == State::done) return {};
  if (state_ == State::start || state_ == State::headers) {
    if (!line_.empty()) {
      // A last header line without a line end: complete it. An error leaves it to salvage().
      line_.append("\r\n");
      (void)header_line(line_, false);
      line_.clear();
    }
    if ((state_ == State::start || state_ == State::headers) && close_field({}).ok()) {
      end_headers();
    }
  }
  if (state_ == State::salvage) {  // the input ends inside the header section
    end_salvaged_field();
    state_ = State::failed;
  }
  if (state_ == State::failed) return make_error(error_);
  state_ = State::done;
  if (sink_) sink_->on_end();
  return {};
}

namespace {
class CollectingSink final : public MessageSink {
 public:
  explicit CollectingSink(std::string& out) : out_(out) {}
  void on_body(std::string_view chunk) override { out_.append(chunk); }

 private:
  std::string& out_;
};
}  // namespace

std::size_t mbox_separator_length(std::string_view message) {
  const std::size_t lf = message.find('\n');
  const std::size_t length = lf == std::string_view::npos ? message.size() : lf + 1;
  return is_mbox_separator(message.substr(0, length)) ? length : 0;
}

Result<ParsedMessage> parse_message(std::string_view bytes, ReaderLimits limits) {
  ParsedMessage parsed;
  CollectingSink sink(parsed.body);
  MessageReader reader(&sink, limits);
  if (auto r = reader.feed(bytes); !r) return r.error();
  if (auto r = reader.finish(); !r) return r.error();
  parsed.headers = reader.headers();
  return parsed;
}

}  // namespace senderauth::message
