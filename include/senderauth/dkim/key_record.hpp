// DKIM public key records published at <selector>._domainkey.<domain> (RFC 6376 3.6.1).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "senderauth/core/result.hpp"
#include "senderauth/dkim/algorithm.hpp"

namespace senderauth::dkim {

struct KeyRecord {
  KeyType key_type = KeyType::rsa;           // k= (default rsa)
  std::vector<std::string> hash_algorithms;  // h=; empty: any
  std::vector<std::string> services;         // s=; default "*"
  bool testing = false;                      // t=y
  bool strict = false;                       // t=s: i= domain must equal d=
  std::string public_key;                    // p=, decoded; empty: revoked

  bool revoked() const { return public_key.empty(); }
  bool allows_hash(HashAlgorithm hash) const;
  bool allows_email() const;
};

// Errors: v= present but not first or not "DKIM1", unknown k=, missing p=, bad base64,
// tag-list syntax.
Result<KeyRecord> parse_key_record(std::string_view text);

// Which of the TXT records at a key name to use (their strings already joined). RFC 6376
// 3.6.2.2 leaves the choice among several to the verifier; DKIM and ARC share this rule:
// records that are not key records (a site-verification string, a stray SPF record) are passed
// over, and exactly one key record is used. Two or more key records are refused rather than
// guessed at, since DNS gives them in no defined order. A single record is returned without
// being parsed (the caller parses it and reports its own error). Errors: no records; several
// records, none a key record (the first one's error is named); several key records.
Result<std::size_t> choose_key_record(const std::vector<std::string>& texts);

// The TXT record text for a public key, and the same split into strings of at most 255 bytes
// as a zone file writes them.
std::string format_key_record(KeyType type, std::string_view public_key_der);
std::vector<std::string> split_txt_strings(std::string_view text, std::size_t max = 255);

}  // namespace senderauth::dkim
