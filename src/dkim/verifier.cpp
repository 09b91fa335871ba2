#include "senderauth/dkim/verifier.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <utility>

#include "senderauth/core/domain_name.hpp"
#include "senderauth/dkim/canonicalization.hpp"
#include "senderauth/dkim/key_record.hpp"
#include "senderauth/dkim/signature.hpp"
#include "senderauth/dkim/unsigned_duplicates.hpp"
#include "senderauth/dns/shared_answer.hpp"

namespace senderauth::dkim {

// ---- KeyCache -------------------------------------------------------------------------------

std::optional<CachedKey> KeyCache::find(const std::string& name, std::string_view record,
                                        std::chrono::steady_clock::time_point now) const {
  auto it = entries_.find(name);
  if (it == entries_.end() || it->second.record != record || it->second.expires <= now) {
    return std::nullopt;
  }
  return it->second.key;
}

void KeyCache::store(const std::string& name, std::string_view record, CachedKey key,
                     std::chrono::steady_clock::time_point expires) {
  if (entries_.size() >= max_entries_) {
    auto now = std::chrono::steady_clock::now();
    std::erase_if(entries_, [&](const auto& e) { return e.second.expires <= now; });
    if (entries_.size() >= max_entries_ && !entries_.empty()) entries_.erase(entries_.begin());
  }
  if (max_entries_ == 0) return;
  entries_.insert_or_assign(name, Entry{std::string(record), std::move(key), expires});
}

// ---- DkimVerifier ---------------------------------------------------------------------------

namespace {

// later - earlier > margin, for any times and margin a caller may pass (VerifyOptions::now
// can be any int64): written as a sum, the comparison overflowed.
bool more_than(std::int64_t later, std::int64_t earlier, std::int64_t margin) {
  if (later <= earlier) return false;
  const auto gap = static_cast<std::uint64_t>(later) - static_cast<std::uint64_t>(earlier);
  return margin < 0 || gap > static_cast<std::uint64_t>(margin);
}

struct SignatureState {
  std::optional<Signature> sig;
  DkimResult result;
  bool decided = false;
  std::size_t body = 0;  // index in bodies
  std::size_t key = 0;   // index of its key name among those looked up
  // What b= signs, hashed while the header section is at hand (it does not depend on the
  // body or the key), so that the verifier need not keep a copy of the header section.
  std::string header_digest;
};

struct BodyEntry {
  Canonicalization canon;
  HashAlgorithm hash;
  std::optional<std::uint64_t> limit;
  std::unique_ptr<BodyHasher> hasher;
  std::string digest;
  std::uint64_t length = 0;
};

void decide(SignatureState& s, DkimStatus status, std::string reason) {
  s.result.status = status;
  s.result.reason = std::move(reason);
  s.decided = true;
}

std::string key_name(const Signature& sig) {
  constexpr std::string_view kInfix = "._domainkey.";
  std::string name;
  name.reserve(sig.selector.size() + kInfix.size() + sig.domain.size());
  name.append(sig.selector).append(kInfix).append(sig.domain);
  return name;
}

// The text of the key record to use (`choose_key_record`'s rule, shared with ARC): a view into
// the answer when it holds one TXT record of one string (an Ed25519 key record is), else a copy
// in `joined`.
Result<std::string_view> key_text(const dns::Answer& answer, const std::string& name,
                                  std::string& joined) {
  if (!answer.ok() || answer.txt.empty()) return make_error("no key record at " + name);
  if (answer.txt.size() == 1) {
    const auto& strings = answer.txt.front();
    if (strings.size() == 1) return std::string_view(strings.front());
    for (const auto& piece : strings) joined += piece;
    return std::string_view(joined);
  }
  std::vector<std::string> texts = answer.joined_txt();
  const Result<std::size_t> chosen = choose_key_record(texts);
  if (!chosen) return make_error(name + ": " + chosen.reason());
  joined = std::move(texts[*chosen]);
  return std::string_view(joined);
}

// Why the body does not match the signature (l= past its end, or bh=), if it does not.
std::optional<std::string> body_problem(const SignatureState& s, const BodyEntry& body) {
  const Signature& sig = *s.sig;
  if (sig.body_length && *sig.body_length > body.length) {
    return "l=" + std::to_string(*sig.body_length) + " is longer than the body (" +
           std::to_string(body.length) + " canonical bytes)";
  }
  if (body.digest != sig.body_hash) return "body hash did not verify";
  return std::nullopt;
}

}  // namespace

struct DkimVerifier::State {
  VerifyOptions options;
  KeyCache* cache = nullptr;
  std::vector<SignatureState> sigs;
  std::vector<BodyEntry> bodies;
  bool ended = false;
  std::int64_t now = 0;
  // Gathered once, for the first valid signature; asked only for the signatures that verify.
  std::optional<SingleInstanceFields> single_instance_fields;
  bool headers_seen = false;
  // The key names the undecided signatures need, each once (a signature's `key` indexes them),
  // and their answers once fetched: from the header section alone, so a caller may fetch them
  // while the body still arrives.
  bool keys_named = false;
  std::vector<std::string> key_names;
  std::vector<dns::SharedAnswer> key_answers;  // one per name; empty until fetched

  void name_keys();
  void check_signature(SignatureState& s, const message::HeaderList& headers,
                       const message::HeaderField& field);
  void verify_with_key(SignatureState& s, const PublicKey& key, const KeyRecord& record);
};

void DkimVerifier::State::check_signature(SignatureState& s, const message::HeaderList& headers,
                                          const message::HeaderField& field) {
  auto parsed = parse_signature(field.value());
  if (!parsed) {
    SignatureSummary summary = summarize_signature(field.value());
    s.result.domain = ascii_lower(summary.domain);
    s.result.selector = summary.selector;
    s.result.algorithm = summary.algorithm;
    s.result.identity = summary.identity;
    s.result.signature_text = summary.signature_text;
    decide(s, DkimStatus::neutral, "signature syntax: " + parsed.reason());
    return;
  }
  s.sig = std::move(*parsed);
  const Signature& sig = *s.sig;
  s.result.domain = sig.domain;
  s.result.selector = sig.selector;
  s.result.algorithm = std::string(to_string(sig.algorithm));
  s.result.identity = sig.identity;
  s.result.signature_text = std::move(s.sig->signature_text);  // only the result reports it
  const auto skew = options.clock_skew.count();
  if (sig.algorithm == Algorithm::rsa_sha1) {
    decide(s, DkimStatus::permerror, "rsa-sha1 is not accepted (RFC 8301)");
    return;
  }
  if (sig.expiration && more_than(now, *sig.expiration, skew)) {
    decide(s, DkimStatus::permerror,
           "signature expired (x=" + std::to_string(*sig.expiration) + ")");
    return;
  }
  if (sig.timestamp && more_than(*sig.timestamp, now, options.future_skew.count())) {
    decide(s, DkimStatus::permerror,
           "signature timestamp in the future (t=" + std::to_string(*sig.timestamp) + ")");
    return;
  }
  HashAlgorithm hash = hash_of(sig.algorithm);
  s.header_digest = digest(hash, header_hash_input(sig.header_canon, headers, sig.signed_headers,
                                                   remove_signature_value(field.raw())));
  if (!single_instance_fields) single_instance_fields = gather_single_instance_fields(headers);
  if (sig.body_length) read_media_type(*single_instance_fields, headers);
  // One body canonicalisation per distinct (c=, hash, l=) among the signatures.
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    if (bodies[i].canon == sig.body_canon && bodies[i].hash == hash &&
        bodies[i].limit == sig.body_length) {
      s.body = i;
      return;
    }
  }
  bodies.push_back(BodyEntry{sig.body_canon,
                             hash,
                             sig.body_length,
                             std::make_unique<BodyHasher>(sig.body_canon, hash, sig.body_length),
                             {},
                             0});
  s.body = bodies.size() - 1;
}

void DkimVerifier::State::verify_with_key(SignatureState& s, const PublicKey& key,
                                          const KeyRecord& record) {
  const Signature& sig = *s.sig;
  s.result.testing = record.testing;
  if (key.type() == KeyType::rsa && key.bits() < options.min_rsa_bits) {
    decide(s, DkimStatus::permerror,
           "RSA key of " + std::to_string(key.bits()) + " bits is below the " +
               std::to_string(options.min_rsa_bits) + "-bit minimum (RFC 8301)");
    return;
  }
  const BodyEntry& body = bodies[s.body];
  if (auto problem = body_problem(s, body)) {
    decide(s, DkimStatus::fail, std::move(*problem));
    return;
  }
  if (!key.verify(sig.algorithm, s.header_digest, sig.signature)) {
    decide(s, DkimStatus::fail, "signature did not verify");
    return;
  }
  std::string what = key.type() == KeyType::rsa ? std::to_string(key.bits()) + "-bit rsa key"
                                                : std::string("ed25519 key");
  if (record.testing) what += ", key in test mode";
  if (sig.body_length && *sig.body_length < body.length) {
    std::string note = "l= leaves " + std::to_string(body.length - *sig.body_length) + " of " +
                       std::to_string(body.length) + " body bytes unsigned";
    if (options.partial_body == PartialBody::refuse) {
      decide(s, DkimStatus::policy, "verified, but " + note);
      return;
    }
    if (const std::string risk = partial_body_risk(sig.signed_headers, *single_instance_fields);
        !risk.empty()) {
      note += " and " + risk;
      if (options.partial_body == PartialBody::refuse_when_hidable) {
        decide(
            s, DkimStatus::policy,
            "verified, but " + note + ": what is appended can hide the signed text (RFC 6376 8.2)");
        return;
      }
    }
    what += "; " + note;
  }
  if (const std::string duplicates =
          describe_unsigned_duplicates(sig.signed_headers, *single_instance_fields);
      !duplicates.empty()) {
    if (options.refuse_unsigned_duplicates) {
      decide(s, DkimStatus::policy,
             "verified, but " + duplicates + ": readers may show an unsigned copy (RFC 6376 8.15)");
      return;
    }
    what += "; " + duplicates;
  }
  decide(s, DkimStatus::pass, what);
}

void DkimVerifier::State::name_keys() {
  if (keys_named) return;
  keys_named = true;
  // Signatures are few (max_signatures): a linear search finds a name already asked for.
  for (SignatureState& s : sigs) {
    if (s.decided) continue;
    std::string name = key_name(*s.sig);
    s.key = static_cast<std::size_t>(std::find(key_names.begin(), key_names.end(), name) -
                                     key_names.begin());
    if (s.key == key_names.size()) key_names.push_back(std::move(name));
  }
}

DkimVerifier::DkimVerifier(VerifyOptions options, KeyCache* cache)
    : state_(std::make_unique<State>()) {
  state_->options = options;
  state_->cache = cache;
}

DkimVerifier::~DkimVerifier() = default;

void DkimVerifier::on_headers(const message::HeaderList& headers) {
  State& st = *state_;
  st.headers_seen = true;
  st.now = st.options.now ? *st.options.now
                          : std::chrono::duration_cast<std::chrono::seconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
  for (std::size_t i = 0; i < headers.size(); ++i) {
    if (!headers[i].is("DKIM-Signature")) continue;
    SignatureState s;
    if (st.sigs.size() >= st.options.max_signatures) {
      SignatureSummary summary = summarize_signature(headers[i].value());
      s.result.domain = ascii_lower(summary.domain);
      s.result.selector = summary.selector;
      s.result.algorithm = summary.algorithm;
      s.result.signature_text = summary.signature_text;
      decide(
          s, DkimStatus::policy,
          "not verified: more than " + std::to_string(st.options.max_signatures) + " signatures");
    } else {
      st.check_signature(s, headers, headers[i]);
    }
    st.sigs.push_back(std::move(s));
  }
}

void DkimVerifier::on_body(std::string_view chunk) {
  for (auto& b : state_->bodies) b.hasher->update(chunk);
}

void DkimVerifier::on_end() {
  if (state_->ended) return;
  state_->ended = true;
  for (auto& b : state_->bodies) {
    b.digest = b.hasher->finish();
    b.length = b.hasher->canonical_length();
  }
}

std::size_t DkimVerifier::signature_count() const {
  return state_->sigs.size();
}

bool DkimVerifier::fetch_keys_now(dns::Resolver& resolver) {
  State& st = *state_;
  if (!st.headers_seen) return false;
  st.name_keys();
  if (st.key_answers.size() == st.key_names.size()) return true;
  std::vector<dns::SharedAnswer> answers;
  answers.reserve(st.key_names.size());
  for (const auto& name : st.key_names) {
    answers.push_back(resolver.answer_now(name, dns::RecordType::TXT));
    if (!answers.back()) return false;
  }
  st.key_answers = std::move(answers);
  return true;
}

asio::awaitable<void> DkimVerifier::fetch_keys(dns::Resolver& resolver) {
  State& st = *state_;
  if (!st.headers_seen) co_return;
  st.name_keys();
  if (st.key_answers.size() == st.key_names.size()) co_return;  // fetched already
  // Each key once, all at the same time.
  std::vector<dns::Question> questions;
  questions.reserve(st.key_names.size());
  for (const auto& name : st.key_names) questions.push_back({name, dns::RecordType::TXT});
  st.key_answers = co_await dns::lookup_all(resolver, std::move(questions));
}

asio::awaitable<std::vector<DkimResult>> DkimVerifier::verify(dns::Resolver& resolver) {
  State& st = *state_;
  on_end();
  // Fetched already, or at hand: no coroutine round for it.
  if (!fetch_keys_now(resolver)) co_await fetch_keys(resolver);
  const std::vector<std::string>& order = st.key_names;
  const std::vector<dns::SharedAnswer>& answers = st.key_answers;

  // Parsed per name once per message (several signatures may share a key).
  // Filled by the first signature that needs the key (no error strings built up front).
  struct Key {
    std::optional<Result<KeyRecord>> record;
    std::optional<Result<PublicKey>> key;  // set when the record parsed
  };
  std::vector<Key> keys(order.size());
  const auto clock_now = std::chrono::steady_clock::now();

  for (std::size_t i = 0; i < st.sigs.size(); ++i) {
    SignatureState& s = st.sigs[i];
    if (s.decided) continue;
    const std::size_t index = s.key;
    const dns::Answer& answer = *answers[index];
    const std::string& name = order[index];
    if (answer.temporary_failure()) {
      // A body that no longer matches bh= fails whatever key a retry would find (RFC 6376
      // 6.1.3): a list footer breaks the author's signature for good, and a temperror there
      // would only delay mail that an ARC-sealing forwarder may vouch for.
      if (auto problem = body_problem(s, st.bodies[s.body])) {
        decide(s, DkimStatus::fail, std::move(*problem));
        continue;
      }
      decide(s, DkimStatus::temperror,
             "key lookup at " + name + ": " + std::string(dns::to_string(answer.status)));
      continue;
    }
    std::string joined;
    const Result<std::string_view> text = key_text(answer, name, joined);
    if (!text) {
      decide(s, DkimStatus::permerror, text.reason());
      continue;
    }
    Key& k = keys[index];
    if (!k.record) {
      std::optional<CachedKey> cached;
      if (st.cache) cached = st.cache->find(name, *text, clock_now);
      if (cached) {
        k.record = std::move(cached->record);
        k.key = std::move(cached->key);
      } else {
        k.record = parse_key_record(*text);
        if (k.record->ok()) k.key = PublicKey::from_record(**k.record);
        if (k.record->ok() && k.key->ok() && st.cache) {
          st.cache->store(name, *text, CachedKey{**k.record, **k.key},
                          clock_now + std::chrono::seconds(answer.ttl));
        }
      }
    }
    if (!k.record->ok()) {
      decide(s, DkimStatus::permerror, k.record->reason() + " (" + name + ")");
      continue;
    }
    const KeyRecord& record = **k.record;
    const Signature& sig = *s.sig;
    if (record.revoked()) {
      decide(s, DkimStatus::permerror, "key revoked (empty p= at " + name + ")");
      continue;
    }
    if (record.key_type != key_type_of(sig.algorithm)) {
      decide(s, DkimStatus::permerror,
             "key type " + std::string(to_string(record.key_type)) +
                 " does not match a=" + std::string(to_string(sig.algorithm)));
      continue;
    }
    if (!record.allows_hash(hash_of(sig.algorithm))) {
      decide(s, DkimStatus::permerror, "key h= does not allow the signature's hash");
      continue;
    }
    if (!record.allows_email()) {
      decide(s, DkimStatus::permerror, "key s= does not include email");
      continue;
    }
    if (record.strict && !domain_equal(sig.identity_domain(), sig.domain)) {
      decide(s, DkimStatus::permerror, "key t=s: i= domain must equal d=");
      continue;
    }
    const Result<PublicKey>& key = *k.key;  // set: the record parsed
    if (!key) {
      decide(s, DkimStatus::permerror, key.reason() + " (" + name + ")");
      continue;
    }
    st.verify_with_key(s, *key, record);
  }

  std::vector<DkimResult> results;
  results.reserve(st.sigs.size());
  for (auto& s : st.sigs) results.push_back(std::move(s.result));  // verify() runs once
  assign_unique_b_prefixes(results);
  co_return results;
}

asio::awaitable<std::vector<DkimResult>> verify_message(std::string_view message,
                                                        dns::Resolver& resolver,
                                                        VerifyOptions options, KeyCache* cache) {
  DkimVerifier verifier(options, cache);
  message::MessageReader reader(&verifier);
  auto fed = reader.feed(message);
  if (fed) fed = reader.finish();
  if (!fed) {
    std::vector<DkimResult> results;
    for (const auto& h : reader.headers()) {
      if (!h.is("DKIM-Signature")) continue;
      DkimResult r;
      SignatureSummary summary = summarize_signature(h.value());
      r.domain = ascii_lower(summary.domain);
      r.selector = summary.selector;
      r.algorithm = summary.algorithm;
      r.signature_text = summary.signature_text;
      r.status = DkimStatus::permerror;
      r.reason = "message not readable: " + fed.reason();
      results.push_back(std::move(r));
    }
    assign_unique_b_prefixes(results);
    co_return results;
  }
  co_return co_await verifier.verify(resolver);
}

}  // namespace senderauth::dkim
