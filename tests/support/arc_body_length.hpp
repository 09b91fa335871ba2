// A first-hop ARC set whose ARC-Message-Signature carries l= (RFC 6376 3.5, which ARC inherits):
// arc::ArcSealer never writes one, but a sealer may, and what such a set vouches for is tested
// against it. Built as the sealer builds its own (relaxed, tags in alphabetical order).
// Header-only: it needs senderauth_arc, which the test support library does not link.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "arc/arc_signing_input.hpp"
#include "senderauth/arc/sealer.hpp"
#include "senderauth/core/base64.hpp"
#include "senderauth/dkim/canonicalization.hpp"
#include "senderauth/dkim/crypto.hpp"
#include "senderauth/message/message_reader.hpp"

namespace senderauth::testing {

// `message` (CRLF line ends, no ARC set yet) with an i=1 set on top, sealed with `o`'s domain,
// selector, key, timestamp, authserv-id and auth_results (the AAR's results; "none" when
// unset), cv=none. Its AMS signs `signed_headers` (From, To and Subject unless told) and the
// first `body_length` octets of the relaxed canonical body; `extra_ams_tags` ("; x=...") end
// its tag list. Empty when the message cannot be read or signing fails.
inline std::string seal_with_body_length(
    const std::string& message, const arc::SealOptions& o, std::uint64_t body_length,
    const std::vector<std::string>& signed_headers = {"from", "to", "subject"},
    const std::string& extra_ams_tags = "") {
  auto parsed = message::parse_message(message);
  if (!parsed) return {};
  const bool ed = o.key.type() == dkim::KeyType::ed25519;
  const dkim::Algorithm algorithm =
      ed ? dkim::Algorithm::ed25519_sha256 : dkim::Algorithm::rsa_sha256;
  const std::string a(dkim::to_string(algorithm));
  const std::string t = std::to_string(o.timestamp.value_or(0));
  auto sign = [&](const std::string& data) -> std::string {
    auto signature = o.key.sign(algorithm, dkim::digest(dkim::HashAlgorithm::sha256, data));
    return signature ? base64_encode(*signature) : std::string();
  };

  const std::string aar = "ARC-Authentication-Results: i=1; " + o.authserv_id + "; " +
                          o.auth_results.value_or("none") + "\r\n";
  dkim::BodyHasher body(dkim::Canonicalization::relaxed, dkim::HashAlgorithm::sha256, body_length);
  body.update(parsed->body);
  const std::string bh = base64_encode(body.finish());
  const std::string ams_head = "ARC-Message-Signature: a=" + a + "; b=";
  std::string h;
  for (const auto& name : signed_headers) h += (h.empty() ? "" : ":") + name;
  const std::string ams_tail = "; bh=" + bh + "; c=relaxed/relaxed; d=" + o.domain + "; h=" + h +
                               "; i=1; l=" + std::to_string(body_length) + "; s=" + o.selector +
                               "; t=" + t + extra_ams_tags + "\r\n";
  message::HeaderList with_aar;
  with_aar.emplace_back(aar);
  with_aar.insert(with_aar.end(), parsed->headers.begin(), parsed->headers.end());
  const std::string ams_b = sign(dkim::header_hash_input(dkim::Canonicalization::relaxed, with_aar,
                                                         signed_headers, ams_head + ams_tail));
  if (ams_b.empty()) return {};
  const std::string ams = ams_head + ams_b + ams_tail;

  const std::string seal_head = "ARC-Seal: a=" + a + "; b=";
  const std::string seal_tail =
      "; cv=none; d=" + o.domain + "; i=1; s=" + o.selector + "; t=" + t + "\r\n";
  const std::string seal_b = sign(arc::detail::seal_hash_input({aar, ams}, seal_head + seal_tail));
  if (seal_b.empty()) return {};
  return seal_head + seal_b + seal_tail + ams + aar + message;
}

}  // namespace senderauth::testing
