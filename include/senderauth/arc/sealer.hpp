// ARC sealing (RFC 8617 5.1): adding this hop's ARC Set (ARC-Authentication-Results copying our
// Authentication-Results, ARC-Message-Signature, ARC-Seal) on top of a message.
//
// The output reproduces dkimpy's arc_sign(standardize=True) byte for byte in what is signed:
// tags in alphabetical order, "; " between them, c=relaxed/relaxed, lower-case values; so the
// public ARC signing suite's b= values come out identical.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "senderauth/arc/arc_fields.hpp"
#include "senderauth/core/result.hpp"
#include "senderauth/dkim/crypto.hpp"
#include "senderauth/message/message_reader.hpp"

namespace senderauth::arc {

// What the AMS covers unless told otherwise: each of these once per field present (every
// DKIM-Signature, RFC 8617 4.1.2), and those of dkim::default_oversigned_headers() once more,
// which signs their absence (RFC 6376 8.15): a field of those names added later breaks the AMS.
std::vector<std::string> default_sealed_headers();

struct SealOptions {
  std::string domain;       // d= of AMS and AS
  std::string selector;     // s=
  std::string authserv_id;  // ours: the Authentication-Results fields copied into the AAR
  dkim::PrivateKey key;     // RSA (rsa-sha256) or Ed25519 (ed25519-sha256)
  // AMS h=. Empty: default_sealed_headers() as its comment says. Must contain From, not ARC-Seal
  // nor Authentication-Results.
  std::vector<std::string> headers;
  std::optional<std::int64_t> timestamp;  // t=; unset: now
  // This hop's verdict on the chain it received. Unset: read from the arc= result in our
  // Authentication-Results (as dkimpy does), "none" when there is none and no ARC set yet.
  std::optional<ChainStatus> chain_status;
  // The AAR payload after "i=N; authserv-id;" when our A-R is not (yet) in the message, e.g.
  // "spf=pass smtp.mailfrom=a.example; dkim=pass header.d=a.example; arc=pass". Unset: the
  // results of every Authentication-Results field whose authserv-id is ours, merged.
  std::optional<std::string> auth_results;
};

struct SealResult {
  bool sealed = false;
  std::string reason;  // when not sealed: why no set was added (RFC 8617 5.1: a chain whose
                       // newest seal says cv=fail, or one without our own verdict, is not
                       // continued)
  int instance = 0;
  ChainStatus chain_status = ChainStatus::none;
  // Whole fields, "Name: value" with CRLF line ends and a final CRLF.
  std::string arc_seal;
  std::string message_signature;
  std::string auth_results;

  // AS, AMS, AAR: the bytes to put on top of the message (empty when not sealed).
  std::string fields() const;
};

class ArcSealer final : public message::MessageSink {
 public:
  explicit ArcSealer(SealOptions options);
  ~ArcSealer() override;
  ArcSealer(const ArcSealer&) = delete;
  ArcSealer& operator=(const ArcSealer&) = delete;

  void on_headers(const message::HeaderList& headers) override;
  bool reads_bare_lf() const override { return true; }  // the body canonicalisers do
  void on_body(std::string_view chunk) override;
  void on_end() override;

  // After on_end(). Errors: options unusable (no From signed, bad domain/selector/authserv-id,
  // key), instance 50 already used, cv=pass on a chain whose structure or cv= values are
  // broken (the signatures are the caller's to check: sealing needs no DNS).
  Result<SealResult> result();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Seals a message held in memory (LF or CRLF); returns what to prepend.
Result<SealResult> seal_message(std::string_view message, SealOptions options);

}  // namespace senderauth::arc
