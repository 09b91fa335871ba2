// A streaming RFC 5322 reader: fed arbitrary chunks (as a milter receives a message), it splits
// the header section into fields and hands the body on, chunk by chunk, without keeping it.
//
// Line ends: a bare LF is read as CRLF (every DKIM peer does so); a bare CR is kept as data.
// Both the fields' raw bytes and the body bytes handed on are in that CRLF form, except where
// the sink says it reads a bare LF in the body as CRLF itself (MessageSink::reads_bare_lf()):
// then the body is handed on as it came, which spares a pass over every byte of it.
// A first line "From " (mbox separator) is skipped, but not "From :" (a From field in the obsolete
// syntax with whitespace before the colon). After a header line that ends in "\r\r\n" (PHP's CRLF
// with a CR added before each LF by an MTA), a line "\r\r\n" is the empty line, as Postfix reads
// it; after any other it is a line without a colon. A header line with no colon, or
// whose field name is not printable US-ASCII (RFC 5322 2.2: no NUL, space or 8-bit byte inside it),
// ends the header section with an error, as does exceeding a limit. The rest of such a header
// section is still scanned, leniently and without being kept, for the fields a sink may want to see
// all the same (MessageSink::on_field_after_error()).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "senderauth/core/result.hpp"
#include "senderauth/message/header_field.hpp"

namespace senderauth::message {

struct ReaderLimits {
  std::size_t max_header_fields = 1000;        // fields in the header section
  std::size_t max_field_bytes = 64 * 1024;     // one field, folding included
  std::size_t max_header_bytes = 1024 * 1024;  // the whole header section
};

// Receives what the reader finds. The body arrives in CRLF form, in chunks of any size.
class MessageSink {
 public:
  virtual ~MessageSink() = default;
  // True when the sink reads an LF not preceded by CR in the body as CRLF on its own (DKIM's
  // and ARC's body canonicalisation do): the reader then hands the body on unconverted.
  virtual bool reads_bare_lf() const { return false; }
  virtual void on_headers(const HeaderList& headers) { (void)headers; }
  virtual void on_body(std::string_view chunk) = 0;
  virtual void on_end() {}
  // After the header section turned out unreadable (the reader's error): each field from where
  // the reader stopped to the section's empty line (or the end of input), one at a time, not
  // kept. Read leniently: a line that does not start with a space or tab and has a colon starts
  // a field, whatever its name holds, and the lines that start with one continue it. The field
  // the error interrupted comes first when it had begun (a field over the size limit, the one
  // over the field count). A field over ReaderLimits::max_field_bytes comes cut to that size.
  // Neither on_headers() nor the body follow.
  virtual void on_field_after_error(const HeaderField& field) { (void)field; }
};

// Forwards to several sinks in order (e.g. DKIM and ARC verifiers over one reading).
class FanoutSink final : public MessageSink {
 public:
  void add(MessageSink& sink) { sinks_.push_back(&sink); }
  bool reads_bare_lf() const override;  // when every sink does
  void on_headers(const HeaderList& headers) override;
  void on_body(std::string_view chunk) override;
  void on_end() override;
  void on_field_after_error(const HeaderField& field) override;

 private:
  std::vector<MessageSink*> sinks_;
};

class MessageReader {
 public:
  explicit MessageReader(MessageSink* sink = nullptr, ReaderLimits limits = {});

  // Feeds the next bytes. After an error the error is repeated, and further input is ignored
  // once the rest of the header section has been scanned (salvaging()).
  Result<void> feed(std::string_view chunk);
  // End of input: completes a header section that had no blank line, flushes the body.
  Result<void> finish();

  bool headers_complete() const { return state_ == State::body || state_ == State::done; }
  // After an error in the header section, until its end: the rest is still scanned, its fields
  // handed to MessageSink::on_field_after_error(), so input is still worth feeding.
  bool salvaging() const { return state_ == State::salvage; }
  const HeaderList& headers() const { return headers_; }
  // In CRLF form; as received where the sink reads bare LFs itself.
  std::uint64_t body_bytes() const { return body_bytes_; }
  std::uint64_t header_bytes() const { return header_bytes_; }

 private:
  enum class State : std::uint8_t { start, headers, body, done, salvage, failed };
  Result<void> feed_chunk(std::string_view chunk);
  // One line, CRLF included; `in_chunk`: it lies in the chunk being fed (not in line_).
  Result<void> header_line(std::string_view line, bool in_chunk);
  // `unread`: as for fail_headers(), should the field count be exceeded.
  Result<void> close_field(std::string_view unread);
  void keep_field_bytes();  // field_in_chunk_ copied into field_ before its chunk goes away
  void end_headers();
  void emit_body(std::string_view bytes);
  Result<void> fail(std::string reason);
  // An error in the header section: `unread`, the bytes of the line being read that the field
  // being collected does not hold already, and what follows are scanned by salvage().
  Result<void> fail_headers(std::string reason, std::string_view unread);
  void salvage(std::string_view bytes);
  void end_salvaged_field();

  MessageSink* sink_;
  ReaderLimits limits_;
  State state_ = State::start;
  HeaderList headers_;
  std::string field_;  // field being collected (continuation lines may follow)
  // The field being collected while all of it lies in the chunk being fed: its lines follow
  // each other there, so it is copied once when complete instead of grown line by line.
  std::string_view field_in_chunk_;
  std::string line_;           // partial header line across chunks
  bool last_body_cr_ = false;  // the last body byte handed on was CR (a following LF is CRLF)
  bool raw_body_ = false;      // the body goes to the sink unconverted (reads_bare_lf())
  std::string body_buf_;       // body bytes converted to CRLF, handed on per feed()
  std::uint64_t body_bytes_ = 0;
  std::uint64_t header_bytes_ = 0;
  // The header line before ended in "\r\r\n": a line "\r\r\n" then ends the section.
  bool previous_line_cr_crlf_ = false;
  std::string error_;
  // State::salvage: the field being scanned (at most max_field_bytes of it), and the line being
  // scanned: its length so far, and whether it held nothing but CRs so far.
  std::string salvage_field_;
  std::size_t salvage_line_ = 0;
  bool salvage_line_blank_ = true;
};

// Reads a whole message held in memory (tests, CLI): headers and the body as one string.
// The length of `message`'s leading mbox separator line ("From " ..., with its line end), which
// MessageReader skips; 0 when it has none. Fields added on top of such a message (DKIM-Signature,
// an ARC set) go after it, or the separator would end up inside the header section.
std::size_t mbox_separator_length(std::string_view message);

struct ParsedMessage {
  HeaderList headers;
  std::string body;
};
Result<ParsedMessage> parse_message(std::string_view bytes, ReaderLimits limits = {});

}  // namespace senderauth::message
