#include "key_fetch.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <optional>
#include <string>

#include "senderauth/core/domain_name.hpp"
#include "senderauth/dkim/key_record.hpp"
#include "senderauth/dkim/signature.hpp"
#include "senderauth/dns/shared_answer.hpp"

namespace senderauth::arc::detail {
namespace {

// One query whose failure, even an exception, is an answer: a key that cannot be fetched
// makes that signature temperror, never the whole chain an exception.
asio::awaitable<dns::SharedAnswer> query_or_error(dns::Resolver& resolver, std::string name,
                                                  dns::RecordType type) {
  try {
    co_return co_await dns::query_shared(resolver, name, type);
  } catch (const std::exception& e) {
    auto answer = std::make_shared<dns::Answer>();
    answer->name = name;
    answer->type = type;
    answer->status = dns::Status::error;
    answer->error_text = std::string("resolver threw: ") + e.what();
    co_return answer;
  }
}

}  // namespace

Result<std::string> key_record_name(const std::string& selector, const std::string& domain) {
  if (!dkim::is_valid_dns_name(selector)) return make_error("s=" + selector + " is not a selector");
  std::string name = ascii_lower(selector) + "._domainkey." + domain;
  if (!dkim::is_valid_dns_name(name)) return make_error(name + " is not a valid DNS name");
  return name;
}

std::vector<std::string> KeyFetcher::names_to_fetch(
    const std::vector<std::pair<std::string, std::string>>& wanted) const {
  std::vector<std::string> names;
  for (const auto& [selector, domain] : wanted) {
    auto name = key_record_name(selector, domain);
    if (!name) continue;  // key_for() reports it
    if (records_.contains(*name) || std::ranges::find(names, *name) != names.end()) continue;
    names.push_back(std::move(name).value());
  }
  return names;
}

void KeyFetcher::store(const std::string& name, const dns::Answer& answer) {
  Records& slot = records_[name];
  slot.ttl = answer.ttl;
  if (answer.ok()) {
    slot.texts = answer.joined_txt();
  } else if (answer.empty_result()) {
    slot.texts = make_error("no key record at " + name + " (" +
                            std::string(dns::to_string(answer.status)) + ")");
  } else {
    slot.texts = make_error("key lookup for " + name + " failed temporarily (" +
                            std::string(dns::to_string(answer.status)) + ")");
  }
}

asio::awaitable<void> KeyFetcher::fetch(
    dns::Resolver& resolver, const std::vector<std::pair<std::string, std::string>>& wanted) {
  std::vector<std::string> names = names_to_fetch(wanted);
  std::vector<dns::Question> questions;
  questions.reserve(names.size());
  for (const auto& name : names) questions.push_back({name, dns::RecordType::TXT});
  auto answers = co_await dns::lookup_all(resolver, std::move(questions), query_or_error);
  for (std::size_t i = 0; i < names.size(); ++i) store(names[i], *answers[i]);
}

bool KeyFetcher::fetch_now(dns::Resolver& resolver,
                           const std::vector<std::pair<std::string, std::string>>& wanted) {
  std::vector<std::string> names = names_to_fetch(wanted);
  std::vector<dns::SharedAnswer> answers;
  answers.reserve(names.size());
  try {
    for (const auto& name : names) {
      answers.push_back(resolver.answer_now(name, dns::RecordType::TXT));
      if (!answers.back()) return false;
    }
  } catch (const std::exception&) {
    return false;  // fetch() asks again and turns the failure into that key's error
  }
  for (std::size_t i = 0; i < names.size(); ++i) store(names[i], *answers[i]);
  return true;
}

namespace {

Result<dkim::PublicKey> usable_key(const dkim::KeyRecord& record, SigningAlgorithm algorithm,
                                   unsigned min_rsa_bits, std::optional<dkim::PublicKey> cached) {
  if (record.revoked()) return make_error("key revoked (empty p=)");
  if (record.key_type != dkim::key_type_of(algorithm)) {
    return make_error("key is k=" + std::string(dkim::to_string(record.key_type)) + ", not for " +
                      std::string(dkim::to_string(algorithm)));
  }
  if (!record.allows_hash(dkim::hash_of(algorithm))) return make_error("key h= excludes sha256");
  if (!record.allows_email()) return make_error("key s= excludes email");
  auto key = cached ? Result<dkim::PublicKey>(*cached) : dkim::PublicKey::from_record(record);
  if (!key) return make_error("key: " + key.reason());
  if (key->type() == dkim::KeyType::rsa && key->bits() < static_cast<int>(min_rsa_bits)) {
    return make_error("RSA key of " + std::to_string(key->bits()) + " bits is below " +
                      std::to_string(min_rsa_bits));
  }
  return key;
}

}  // namespace

Result<dkim::PublicKey> KeyFetcher::key_for(const std::string& selector, const std::string& domain,
                                            SigningAlgorithm algorithm) const {
  auto name = key_record_name(selector, domain);
  if (!name) return name.error();
  auto it = records_.find(*name);
  if (it == records_.end()) return make_error("key " + *name + " was not fetched");
  if (!it->second.texts) return it->second.texts.error();
  const auto& texts = *it->second.texts;
  const Result<std::size_t> chosen = dkim::choose_key_record(texts);  // the same rule as DKIM's
  if (!chosen) return make_error("key " + *name + ": " + chosen.reason());
  const std::string& text = texts[*chosen];
  auto now = std::chrono::steady_clock::now();
  // A cached entry holds the record parsed from this very text and its decoded key.
  std::optional<dkim::CachedKey> cached;
  if (cache_ != nullptr) cached = cache_->find(*name, text, now);
  auto record =
      cached ? Result<dkim::KeyRecord>(std::move(cached->record)) : dkim::parse_key_record(text);
  if (!record) return make_error("key " + *name + ": key record: " + record.reason());
  auto key = usable_key(*record, algorithm, min_rsa_bits_,
                        cached ? std::optional<dkim::PublicKey>(cached->key) : std::nullopt);
  if (!key) return make_error("key " + *name + ": " + key.reason());
  if (cache_ != nullptr && !cached) {
    cache_->store(*name, text, dkim::CachedKey{*record, *key},
                  now + std::chrono::seconds(it->second.ttl));
  }
  return key;
}

}  // namespace senderauth::arc::detail
