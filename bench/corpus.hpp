// The generated messages and keys shared by bench_dkim and bench_pipeline: messages of a given
// size with the header fields a real message carries, signed rsa-sha256, ed25519-sha256 or both
// (d=example.test, selectors "rsa" and "ed"), and the zone records that verify them.
#pragma once

#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "senderauth/dkim/key_record.hpp"
#include "senderauth/dkim/signer.hpp"
#include "senderauth/dkim/verifier.hpp"
#include "senderauth/dns/zone_resolver.hpp"

namespace senderauth::bench {

inline const char* const kWords[] = {
    "the",    "quarterly", "report",  "is",       "attached", "and",     "please",   "review",
    "before", "Friday",    "meeting", "we",       "will",     "discuss", "budget",   "numbers",
    "for",    "next",      "year's",  "roadmap",  "thanks",   "regards", "customer", "order",
    "shipped", "tracking", "number",  "delivery", "invoice",  "a",       "of",       "to",
    "in",     "with",      "on",      "team"};

// The message sizes of the corpus (bytes before signing).
inline const std::size_t kCorpusSizes[] = {2048, 16384, 65536, 262144, 1048576};

// A message of about `size` bytes: three Received fields, From/To/Cc/Subject/Date/Message-ID/
// MIME fields, and a text body of ~72-character lines with an occasional blank line.
// The first Received field names mail0.example.test [192.0.2.10] (the pipeline bench's client).
inline std::string make_message(std::size_t size, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::string m;
  for (int i = 0; i < 3; ++i) {
    m += "Received: from mail" + std::to_string(i) + ".example.test (mail" + std::to_string(i) +
         ".example.test [192.0.2." + std::to_string(10 + i) +
         "])\r\n\tby mx.example.org (Postfix) with ESMTPS id 4F" + std::to_string(rng() % 100000) +
         "\r\n\tfor <bob@example.org>; Fri, 1 Jan 2021 10:0" + std::to_string(i) +
         ":00 +0000 (UTC)\r\n";
  }
  m += "From: \"Alice Example\" <alice@example.test>\r\n"
       "To: Bob Example <bob@example.org>\r\n"
       "Cc: team@example.org\r\n"
       "Subject: Quarterly report " +
       std::to_string(seed) +
       "\r\n"
       "Date: Fri, 1 Jan 2021 10:00:00 +0000\r\n"
       "Message-ID: <" +
       std::to_string(seed) + "." + std::to_string(rng()) +
       "@example.test>\r\n"
       "MIME-Version: 1.0\r\n"
       "Content-Type: text/plain; charset=utf-8\r\n"
       "Content-Transfer-Encoding: 8bit\r\n"
       "List-Unsubscribe: <mailto:unsubscribe@example.test?subject=" +
       std::to_string(seed) + ">\r\n\r\n";
  std::string line;
  while (m.size() < size) {
    const char* w = kWords[rng() % std::size(kWords)];
    if (line.size() + std::strlen(w) + 1 > 72) {
      m += line + "\r\n";
      if (rng() % 8 == 0) m += "\r\n";
      line.clear();
    }
    if (!line.empty()) line += ' ';
    line += w;
  }
  m += line + "\r\n";
  return m;
}

struct Keys {
  dkim::PrivateKey rsa = dkim::PrivateKey::generate(dkim::KeyType::rsa, 2048).value();
  dkim::PrivateKey ed = dkim::PrivateKey::generate(dkim::KeyType::ed25519).value();

  std::string rsa_record() const {
    return dkim::format_key_record(dkim::KeyType::rsa, rsa.public_key_der());
  }
  std::string ed_record() const {
    return dkim::format_key_record(dkim::KeyType::ed25519, ed.public_key_der());
  }
  // "name value" lines (the peers' drivers read these).
  std::string dns_lines() const {
    return "rsa._domainkey.example.test " + rsa_record() + "\n" +
           "ed._domainkey.example.test " + ed_record() + "\n";
  }
  void publish(dns::ZoneResolver& zone) const {
    zone.add_txt("rsa._domainkey.example.test", dkim::split_txt_strings(rsa_record()));
    zone.add_txt("ed._domainkey.example.test", dkim::split_txt_strings(ed_record()));
  }
};

// One key pair per process, generated on first use.
inline const Keys& keys() {
  static Keys k;
  return k;
}

// kind: "rsa", "ed25519" or "dual" (rsa-sha256 + ed25519-sha256), relaxed/relaxed.
inline std::string sign(const std::string& message, const std::string& kind, const Keys& k) {
  auto cfg = [](const dkim::PrivateKey& key, const char* selector) {
    dkim::SignerConfig c;
    c.key = key;
    c.domain = "example.test";
    c.selector = selector;
    return c;
  };
  std::vector<dkim::SignerConfig> configs;
  if (kind != "ed25519") configs.push_back(cfg(k.rsa, "rsa"));
  if (kind != "rsa") configs.push_back(cfg(k.ed, "ed"));
  return dkim::sign_message(message, std::move(configs)).value();
}

inline std::size_t signature_count(const std::string& kind) {
  return kind == "dual" ? 2 : 1;
}

}  // namespace senderauth::bench
