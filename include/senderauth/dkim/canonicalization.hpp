// Simple and relaxed canonicalisation (RFC 6376 3.4) and the two hashes a signature covers:
// the body hash (streamed, honouring l=) and the header hash (RFC 6376 3.7, 5.4.2).
// Shared with ARC, whose seals and message signatures use the same rules.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "senderauth/dkim/algorithm.hpp"
#include "senderauth/dkim/crypto.hpp"
#include "senderauth/message/header_field.hpp"

namespace senderauth::dkim {

// Appends the canonical form of one whole field (raw bytes, final CRLF included) to `out`,
// ending in CRLF.
void canonicalize_header(Canonicalization canon, std::string_view raw_field, std::string& out);

// Streams a body (chunks of any size) into its canonical form. An LF not preceded by CR ends a
// line as CRLF does, so the body may come as a MessageReader converts it or as it was received;
// a bare CR is data. Output is buffered and handed to `out` in blocks; at most `limit`
// canonical bytes are handed on (l=).
class BodyCanonicalizer {
 public:
  using Output = std::function<void(std::string_view)>;
  BodyCanonicalizer(Canonicalization canon, Output out,
                    std::optional<std::uint64_t> limit = std::nullopt);

  void update(std::string_view bytes);
  void finish();
  // Length of the whole canonical body (beyond any limit), known after finish().
  std::uint64_t canonical_length() const { return length_; }

 private:
  void emit(std::string_view bytes);
  void flush_pending();
  void flush_buffer();
  void update_simple(const char* p, const char* end);
  void update_relaxed(const char* p, const char* end);

  Canonicalization canon_;
  Output out_;
  std::optional<std::uint64_t> limit_;
  std::uint64_t length_ = 0;
  std::uint64_t crlfs_ = 0;  // empty-line CRLFs held back: trailing ones are dropped
  bool cr_ = false;          // a CR was read, the next byte decides whether it ends a line
  bool wsp_ = false;         // relaxed: whitespace read, emitted as one SP if data follows
  bool any_ = false;         // some non-CRLF content was emitted
  std::string buffer_;
};

// Canonicalises and hashes a body: the bh= value.
class BodyHasher {
 public:
  BodyHasher(Canonicalization canon, HashAlgorithm hash,
             std::optional<std::uint64_t> limit = std::nullopt);
  BodyHasher(const BodyHasher&) = delete;  // the canonicaliser points back at the hasher
  BodyHasher& operator=(const BodyHasher&) = delete;
  void update(std::string_view bytes) { canon_.update(bytes); }
  std::string finish();  // the digest
  std::uint64_t canonical_length() const { return canon_.canonical_length(); }

 private:
  Hasher hasher_;
  BodyCanonicalizer canon_;
};

// The header hash input: the fields named in `names` picked bottom-up (a name listed more
// often than present contributes nothing: oversigning), each canonicalised, then
// `signature_field` (raw, b= value already removed) canonicalised without its final CRLF.
std::string header_hash_input(Canonicalization canon, const message::HeaderList& headers,
                              const std::vector<std::string>& names,
                              std::string_view signature_field);

}  // namespace senderauth::dkim
