// The DKIM-Signature header field (RFC 6376 3.5): parsing with every tag validated.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "senderauth/core/result.hpp"
#include "senderauth/dkim/algorithm.hpp"

namespace senderauth::dkim {

struct Signature {
  Algorithm algorithm = Algorithm::rsa_sha256;               // a=
  std::string signature;                                     // b=, decoded
  std::string signature_text;                                // b= as written, whitespace removed
  std::string body_hash;                                     // bh=, decoded
  Canonicalization header_canon = Canonicalization::simple;  // c= (default simple/simple)
  Canonicalization body_canon = Canonicalization::simple;
  std::string domain;                       // d=, lower-case
  std::vector<std::string> signed_headers;  // h=, as written, in order
  std::string identity;                     // i=, decoded; "@" + d when absent
  bool identity_given = false;
  std::optional<std::uint64_t> body_length;  // l=
  std::string selector;                      // s=, lower-case
  std::optional<std::int64_t> timestamp;     // t=
  std::optional<std::int64_t> expiration;    // x=
  std::string copied_headers;                // z=, raw

  // The domain part of i= (after the last "@").
  std::string_view identity_domain() const;
};

// Parses the value of a DKIM-Signature field (everything after the colon). Errors say which
// tag was missing or wrong: v (must be 1), a (known algorithm), b/bh (base64; bh the digest's
// size), c, d (a domain name), h (non-empty, must contain From), i (its domain d or a
// subdomain), l/t/x (decimal), q (must offer dns/txt), s (selector syntax), x >= t.
Result<Signature> parse_signature(std::string_view value);

// What can be read from a signature that does not parse, for reporting (d=, s=, a=, b=).
struct SignatureSummary {
  std::string domain, selector, algorithm, identity, signature_text;
};
SignatureSummary summarize_signature(std::string_view value);

// A whole DKIM-Signature field (raw bytes) with the b= value removed, surrounding whitespace
// included: what the signer and verifier hash (RFC 6376 3.7).
std::string remove_signature_value(std::string_view raw_field);

// Selector or domain syntax: dot-separated labels of letters, digits, "-" and "_" (and bytes
// >= 0x80 for U-labels), none empty or longer than 63, at most 253 in all.
bool is_valid_dns_name(std::string_view name);

// A d=, s= or i= domain as the DNS knows it: lower-cased, with U-labels converted to A-labels
// (RFC 8616 5 lets the signatures of internationalised messages write them as U-labels; keys
// are published, and DMARC aligns, under the A-labels). Errors say what is wrong.
Result<std::string> dns_name_in_a_labels(std::string_view name);

// RFC 6376 2.11 dkim-quoted-printable for an i= value: every byte outside dkim-safe-char
// (';', '=', whitespace, controls, non-ASCII) as "=XX", so that the value is one tag value of
// ASCII in any message.
std::string encode_dkim_qp(std::string_view text);

}  // namespace senderauth::dkim
