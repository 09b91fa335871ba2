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

// The TXT record text for a public key, and the same split into strings of at most 255 bytes
// as a zone file writes them.
std::string format_key_record(KeyType type, std::string_view public_key_der);
std::vector<std::string> split_txt_strings(std::string_view text, std::size_t max = 255);

}  // namespace senderauth::dkim
