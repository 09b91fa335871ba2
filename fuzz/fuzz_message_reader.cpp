// The streaming RFC 5322 reader: the input fed in chunks (sizes from the first byte) must give
// the same fields and body as fed at once, every field name printable US-ASCII; small limits
// exercise the limit paths.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "senderauth/message/message_reader.hpp"

namespace {

struct Collect final : senderauth::message::MessageSink {
  void on_body(std::string_view chunk) override { body.append(chunk); }
  std::string body;
};

struct Outcome {
  bool ok = false;
  std::string headers;
  std::string body;
};

Outcome read(std::string_view text, std::size_t chunk, senderauth::message::ReaderLimits limits) {
  Collect sink;
  senderauth::message::MessageReader reader(&sink, limits);
  Outcome o;
  o.ok = true;
  for (std::size_t i = 0; i < text.size() && o.ok; i += chunk) {
    o.ok = reader.feed(text.substr(i, chunk)).ok();
  }
  if (o.ok) o.ok = reader.finish().ok();
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
  Outcome small = read(text, chunk, limits);
  if (small.ok && small.headers.size() > 100 + limits.max_header_fields) __builtin_trap();
  return 0;
}
