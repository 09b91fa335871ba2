// The three ARC header fields of RFC 8617 section 4.1, parsed from their values.
// Parsing checks syntax and the tag rules of RFC 8617 (required tags, allowed values); it does
// not touch DNS or verify anything.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "senderauth/core/result.hpp"
#include "senderauth/dkim/algorithm.hpp"

namespace senderauth::arc {

inline constexpr int kMaxInstance = 50;  // RFC 8617 4.2.1: i= is 1..50

inline constexpr std::string_view kArcSealName = "ARC-Seal";
inline constexpr std::string_view kArcMessageSignatureName = "ARC-Message-Signature";
inline constexpr std::string_view kArcAuthResultsName = "ARC-Authentication-Results";

enum class ArcFieldKind : std::uint8_t { seal, message_signature, auth_results };

// The kind a header field name denotes (case-insensitive), or nothing for other fields.
std::optional<ArcFieldKind> arc_field_kind(std::string_view field_name);
std::string_view to_string(ArcFieldKind kind);  // the canonical field name

enum class ChainStatus : std::uint8_t { none, pass, fail };
std::string_view to_string(ChainStatus status);  // "none" / "pass" / "fail"
// Exactly "none", "pass" or "fail" (tag values are case-sensitive: RFC 6376 3.2).
std::optional<ChainStatus> parse_chain_status(std::string_view text);

// ARC takes its algorithms and canonicalisations from DKIM (RFC 8617 4.1.2, 4.1.3).
using dkim::Canonicalization;
using SigningAlgorithm = dkim::Algorithm;
// Exactly "rsa-sha256" or "ed25519-sha256": rsa-sha1 is refused (RFC 8301 3.1) and tag values
// are case-sensitive.
std::optional<SigningAlgorithm> parse_signing_algorithm(std::string_view text);

// ARC-Message-Signature (RFC 8617 4.1.2): DKIM-Signature's tags, i= is the instance, no v=.
struct ArcMessageSignature {
  int instance = 0;
  SigningAlgorithm algorithm = SigningAlgorithm::rsa_sha256;
  std::string signature;  // b=, decoded
  std::string body_hash;  // bh=, decoded
  // c= absent means simple/simple, as for DKIM (RFC 6376 3.5; see rfc8617-overrides.json).
  Canonicalization header_canon = Canonicalization::simple;
  Canonicalization body_canon = Canonicalization::simple;
  std::string domain;                        // d=, lower-cased
  std::string selector;                      // s=
  std::vector<std::string> signed_headers;   // h=, lower-cased, in order
  std::optional<std::uint64_t> body_length;  // l=
  std::optional<std::int64_t> timestamp;     // t=
  std::optional<std::int64_t> expiration;    // x=
};

// ARC-Seal (RFC 8617 4.1.3): i, a, b, cv, d, s, optional t; h= is forbidden.
struct ArcSeal {
  int instance = 0;
  SigningAlgorithm algorithm = SigningAlgorithm::rsa_sha256;
  std::string signature;  // b=, decoded
  ChainStatus chain_status = ChainStatus::none;
  std::string domain;                     // d=, lower-cased
  std::string selector;                   // s=
  std::optional<std::int64_t> timestamp;  // t=
};

// ARC-Authentication-Results (RFC 8617 4.1.1): "i=N;" then an Authentication-Results payload.
// Only "i=N;" is checked: the payload's syntax does not affect the chain's validity (3.4).
struct ArcAuthResults {
  int instance = 0;
  std::string payload;      // everything after "i=N;", surrounding whitespace removed, folding kept
  std::string authserv_id;  // the payload's authserv-id, for display; empty when it has none
};

// Parse a field's value (everything after the colon, folding included).
Result<ArcMessageSignature> parse_arc_message_signature(std::string_view value);
Result<ArcSeal> parse_arc_seal(std::string_view value);
Result<ArcAuthResults> parse_arc_auth_results(std::string_view value);

// The instance number a field claims, read the way each kind defines it: the i= tag of the
// AMS/AS tag-list, the leading "i=N;" of an AAR. Errors when absent or not 1..50.
Result<int> parse_arc_instance(ArcFieldKind kind, std::string_view value);

}  // namespace senderauth::arc
