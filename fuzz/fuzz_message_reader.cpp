// The streaming RFC 5322 reader: the input fed in chunks (sizes from the first byte) must give
// the same fields and body as fed at once, every field name printable US-ASCII; small limits
// exercise the limit paths. After an error the input is fed on: the fields the scan of the rest
// of the header section hands on are whole CRLF lines, each starting a field, within bounds.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "senderauth/message/message_reader.hpp"

namespace {

struct Collect final : senderauth::message::MessageSink {
  explicit Collect(std::size_t max_field_bytes) : max_field_bytes(max_field_bytes) {}
  void on_body(std::string_view chunk) override { body.append(chunk); }
  void on_field_after_error(const senderauth::message::HeaderField& field) override {
    const std::string& raw = field.raw();
    if (raw.size() < 2 || raw.substr(raw.size() - 2) != "\r\n") __builtin_trap();
    if (raw.front() == ' ' || raw.front() == '\t') __builtin_trap();
    if (raw.find(':') > raw.find('\n')) __builtin_trap();
    // At most the field size limit kept, each bare LF given its CR, and a CRLF at the end.
    if (raw.size() > 2 * max_field_bytes + 2) __builtin_trap();
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '\n' && (i == 0 || raw[i - 1] != '\r')) __builtin_trap();
    }
  }
  std::size_t max_field_bytes;
  std::string body;
};

struct Outcome {
  bool ok = false;
  std::string headers;
  std::string body;
};

Outcome read(std::string_view text, std::size_t chunk, senderauth::message::ReaderLimits limits,
             bool feed_on = false) {
  Collect sink(limits.max_field_bytes);
  senderauth::message::MessageReader reader(&sink, limits);
  Outcome o;
  o.ok = true;
  for (std::size_t i = 0; i < text.size() && (o.ok || feed_on); i += chunk) {
    o.ok = reader.feed(text.substr(i, chunk)).ok() && o.ok;
  }
  o.ok = reader.finish().ok() && o.ok;
  if (reader.salvaging()) __builtin_trap();  // finish() ends the scan
  for (const auto& h : reader.headers()) {
    if (h.raw().size() < 2 || h.raw().substr(h.raw().size() - 2) != "\r\n") __builtin_trap();
    // Every field read has a name of printable US-ASCII (RFC 5322 2.2).
    if (h.name().empty()) __builtin_trap();
    for (char c : h.name()) {
      if (static_cast<unsigned char>(c) < 33 || static_cast<unsigned char>(c) > 126) {
        __builtin_trap();
      }
    }
    (void)h.value();
    o.headers += h.raw();
    o.headers.push_back('\0');  // field boundaries count too, not only the bytes
  }
  o.body = sink.body;
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  std::size_t chunk = data[0] % 13 + 1;
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  senderauth::message::ReaderLimits limits;
  Outcome whole = read(text, text.size() + 1, limits);
  Outcome pieces = read(text, chunk, limits);
  if (whole.ok != pieces.ok) __builtin_trap();
  if (whole.ok && (whole.headers != pieces.headers || whole.body != pieces.body)) __builtin_trap();
  limits.max_header_fields = 3;
  limits.max_field_bytes = 40;
  limits.max_header_bytes = 100;
  Outcome small = read(text, chunk, limits, true);
  if (small.ok && small.headers.size() > 100 + limits.max_header_fields) __builtin_trap();
  return 0;
}
