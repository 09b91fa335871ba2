// DKIM signing (RFC 6376 5): one or several signatures (e.g. RSA + Ed25519) in one pass over
// the message.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "senderauth/core/result.hpp"
#include "senderauth/dkim/algorithm.hpp"
#include "senderauth/dkim/crypto.hpp"
#include "senderauth/message/message_reader.hpp"

namespace senderauth::dkim {

// A header field name for h= (a DKIM signature's, an ARC-Message-Signature's): trimmed and
// lower-cased; an error names a name that is not an RFC 5322 field name or holds ';'.
Result<std::string> checked_field_name(std::string_view given);

// Signed when present (each instance).
std::vector<std::string> default_signed_headers();
// Signed once more than present, so none can be added later (RFC 6376 8.15). Not Date or
// Message-ID, which MTAs add to messages that lack them.
std::vector<std::string> default_oversigned_headers();

struct SignerConfig {
  std::string domain;
  std::string selector;
  PrivateKey key;
  std::optional<Algorithm> algorithm;  // default: rsa-sha256 or ed25519-sha256 by key type
  Canonicalization header_canon = Canonicalization::relaxed;
  Canonicalization body_canon = Canonicalization::relaxed;
  std::vector<std::string> headers = default_signed_headers();
  std::vector<std::string> oversign = default_oversigned_headers();
  bool body_length = false;                // add l= (off: l= invites appended content)
  std::optional<std::int64_t> timestamp;   // t=
  std::optional<std::int64_t> expiration;  // x=
  std::string identity;                    // i=, empty: none
};

class DkimSigner final : public message::MessageSink {
 public:
  explicit DkimSigner(std::vector<SignerConfig> configs);
  ~DkimSigner() override;
  DkimSigner(const DkimSigner&) = delete;
  DkimSigner& operator=(const DkimSigner&) = delete;

  void on_headers(const message::HeaderList& headers) override;
  bool reads_bare_lf() const override { return true; }  // the body canonicalisers do
  void on_body(std::string_view chunk) override;
  void on_end() override;

  // After on_end(): the DKIM-Signature fields (raw, CRLF-terminated), one per config in order,
  // to be put on top of the message. Errors: no From field, an unusable key/algorithm pair,
  // rsa-sha1 requested, a bad domain or selector.
  Result<std::vector<std::string>> signatures();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Signs a message held in memory; returns the signature fields followed by the message bytes
// (in CRLF form).
Result<std::string> sign_message(std::string_view message, std::vector<SignerConfig> configs);

}  // namespace senderauth::dkim
