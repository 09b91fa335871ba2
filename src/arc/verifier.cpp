#include "senderauth/arc/verifier.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <tuple>
#include <utility>
#include <vector>

#include "arc_chain.hpp"
#include "arc_signing_input.hpp"
#include "key_fetch.hpp"
#include "senderauth/dkim/canonicalization.hpp"
#include "senderauth/dkim/crypto.hpp"
#include "senderauth/dkim/unsigned_duplicates.hpp"

namespace senderauth::arc {

using detail::ArcSetFields;

struct ArcVerifier::State {
  State(VerifyOptions o, dkim::KeyCache* key_cache) : options(o), keys(o.min_rsa_bits, key_cache) {}

  VerifyOptions options;
  bool headers_seen = false;
  bool ended = false;
  message::HeaderList headers;
  std::vector<ArcSetFields> sets;
  std::optional<std::string> structure_error;  // set: the chain fails before any crypto
  // One hasher per distinct (canonicalisation, l=) among the AMSs that will be checked.
  using BodyKey = std::pair<Canonicalization, std::optional<std::uint64_t>>;
  std::map<BodyKey, dkim::BodyHasher> hashers;
  std::map<BodyKey, std::string> body_hashes;
  std::map<Canonicalization, std::uint64_t> body_lengths;
  detail::KeyFetcher keys;  // keeps decoded keys in the cache given to the verifier, if any
  bool keys_fetched = false;

  // The oldest set whose AMS is checked (index into sets): the newest always, older ones for
  // oldest-pass, at most kMaxCheckedAms in all.
  std::size_t oldest_checked = 0;

  // Every (selector, domain) whose key the checks in finish() may need: each seal's, and the
  // AMS's of each set whose AMS is checked.
  std::vector<std::pair<std::string, std::string>> wanted_keys() const {
    std::vector<std::pair<std::string, std::string>> wanted;
    for (std::size_t k = 0; k < sets.size(); ++k) {
      wanted.emplace_back(sets[k].seal.selector, sets[k].seal.domain);
      if (k >= oldest_checked) wanted.emplace_back(sets[k].ams.selector, sets[k].ams.domain);
    }
    return wanted;
  }
  // No key is needed: no header section yet, no ARC set, or a chain that fails on its fields.
  bool needs_no_keys() const { return !headers_seen || structure_error || sets.empty(); }
};

namespace {

std::string instance_text(int i) {
  return "i=" + std::to_string(i);
}

ArcSetReport make_report(const ArcSetFields& set) {
  ArcSetReport report;
  report.instance = set.instance;
  report.seal_cv = set.seal.chain_status;
  report.seal_domain = set.seal.domain;
  report.seal_selector = set.seal.selector;
  report.ams_domain = set.ams.domain;
  report.ams_selector = set.ams.selector;
  report.authserv_id = set.aar.authserv_id;
  report.aar_payload = set.aar.payload;
  return report;
}

std::int64_t unix_now(const VerifyOptions& options) {
  if (options.now) return *options.now;
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

ArcVerifier::ArcVerifier(VerifyOptions options, dkim::KeyCache* key_cache)
    : state_(std::make_unique<State>(options, key_cache)) {}

ArcVerifier::~ArcVerifier() = default;

void ArcVerifier::on_headers(const message::HeaderList& headers) {
  State& s = *state_;
  s.headers_seen = true;
  // Most mail carries no ARC set: then there is nothing to keep (copying the header section
  // would be most of this verifier's cost on such a message).
  if (std::none_of(headers.begin(), headers.end(),
                   [](const auto& f) { return arc_field_kind(f.name()).has_value(); })) {
    return;
  }
  s.headers = headers;
  auto sets = detail::collect_arc_sets(s.headers);
  if (!sets) {
    s.structure_error = sets.reason();
    return;
  }
  s.sets = std::move(sets).value();
  if (s.sets.empty()) return;
  if (auto problem = detail::check_chain_status(s.sets)) {
    s.structure_error = *problem;
    return;
  }
  // The newest AMS is always checked; older ones only for oldest-pass, and at most
  // kMaxCheckedAms in all: 50 sets with as many l= values and key domains would hash the body
  // 50 times and look up 50 names the sender chose, for a chain nobody makes by hand.
  const std::size_t n = s.sets.size();
  s.oldest_checked =
      s.options.compute_oldest_pass ? (n > kMaxCheckedAms ? n - kMaxCheckedAms : 0) : n - 1;
  for (std::size_t k = n; k-- > s.oldest_checked;) {
    const auto& ams = s.sets[k].ams;
    State::BodyKey key{ams.body_canon, ams.body_length};
    if (!s.hashers.contains(key)) {
      s.hashers.emplace(
          std::piecewise_construct, std::forward_as_tuple(key),
          std::forward_as_tuple(ams.body_canon, dkim::HashAlgorithm::sha256, ams.body_length));
    }
  }
}

void ArcVerifier::on_body(std::string_view chunk) {
  for (auto& [key, hasher] : state_->hashers) hasher.update(chunk);
}

void ArcVerifier::on_end() {
  State& s = *state_;
  if (s.ended) return;
  s.ended = true;
  for (auto& [key, hasher] : s.hashers) {
    s.body_hashes[key] = hasher.finish();
    s.body_lengths[key.first] = hasher.canonical_length();
  }
}

bool ArcVerifier::fetch_keys_now(dns::Resolver& resolver) {
  State& s = *state_;
  if (s.keys_fetched) return true;
  if (!s.headers_seen) return false;
  if (s.needs_no_keys() || s.keys.fetch_now(resolver, s.wanted_keys())) s.keys_fetched = true;
  return s.keys_fetched;
}

asio::awaitable<void> ArcVerifier::fetch_keys(dns::Resolver& resolver) {
  State& s = *state_;
  if (s.keys_fetched || s.needs_no_keys()) co_return;
  // All at the same time.
  co_await s.keys.fetch(resolver, s.wanted_keys());
  s.keys_fetched = true;
}

namespace {

// Checks one AMS: time, body hash, key, signature. Empty optional means it verified.
std::optional<std::string> check_ams(const ArcVerifier::State& s, const ArcSetFields& set,
                                     const detail::KeyFetcher& keys) {
  const ArcMessageSignature& ams = set.ams;
  if (ams.expiration && *ams.expiration < unix_now(s.options)) {
    return "AMS " + instance_text(set.instance) + " expired (x=" + std::to_string(*ams.expiration) +
           ")";
  }
  if (ams.expiration && ams.timestamp && *ams.expiration < *ams.timestamp) {
    return "AMS " + instance_text(set.instance) + " has x= before t=";
  }
  if (ams.body_length) {
    // RFC 6376 6.1.3: l= longer than the (canonical) body cannot have been signed as is.
    auto length = s.body_lengths.find(ams.body_canon);
    if (length == s.body_lengths.end() || length->second < *ams.body_length) {
      return "AMS " + instance_text(set.instance) + " l=" + std::to_string(*ams.body_length) +
             " exceeds the body";
    }
  }
  auto body = s.body_hashes.find({ams.body_canon, ams.body_length});
  if (body == s.body_hashes.end() || body->second != ams.body_hash) {
    return "AMS " + instance_text(set.instance) + " body hash did not verify";
  }
  auto key = keys.key_for(ams.selector, ams.domain, ams.algorithm);
  if (!key) return "AMS " + instance_text(set.instance) + ": " + key.reason();
  std::string data = detail::ams_signing_input(s.headers, *set.ams_field, ams);
  if (!key->verify(ams.algorithm, dkim::digest(dkim::HashAlgorithm::sha256, data), ams.signature)) {
    return "AMS " + instance_text(set.instance) + " signature did not verify";
  }
  return std::nullopt;
}

// "l= leaves N of M body bytes unsigned" for an AMS whose l= stops short of the canonical body
// (dkim verify's words), else empty.
std::string unsigned_body(const ArcVerifier::State& s, const ArcMessageSignature& ams) {
  if (!ams.body_length) return {};
  auto length = s.body_lengths.find(ams.body_canon);
  if (length == s.body_lengths.end() || length->second <= *ams.body_length) return {};
  return "l= leaves " + std::to_string(length->second - *ams.body_length) + " of " +
         std::to_string(length->second) + " body bytes unsigned";
}

std::optional<std::string> check_seal(const std::vector<ArcSetFields>& sets, std::size_t index,
                                      const detail::KeyFetcher& keys) {
  const ArcSetFields& set = sets[index];
  auto key = keys.key_for(set.seal.selector, set.seal.domain, set.seal.algorithm);
  if (!key) return "ARC-Seal " + instance_text(set.instance) + ": " + key.reason();
  std::string data = detail::seal_signing_input(sets, index);
  if (!key->verify(set.seal.algorithm, dkim::digest(dkim::HashAlgorithm::sha256, data),
                   set.seal.signature)) {
    return "ARC-Seal " + instance_text(set.instance) + " signature did not verify";
  }
  return std::nullopt;
}

}  // namespace

asio::awaitable<ArcResult> ArcVerifier::finish(dns::Resolver& resolver) {
  State& s = *state_;
  on_end();
  ArcResult result;
  if (s.structure_error) {
    result.status = ChainStatus::fail;
    result.instances = static_cast<int>(s.sets.size());
    result.reason = *s.structure_error;
    for (const auto& set : s.sets) result.sets.push_back(make_report(set));
    co_return result;
  }
  if (s.sets.empty()) {
    result.status = ChainStatus::none;
    result.reason = "no ARC header fields";
    co_return result;
  }
  const std::size_t n = s.sets.size();
  result.instances = static_cast<int>(n);
  for (const auto& set : s.sets) result.sets.push_back(make_report(set));

  // Fetched already (fetch_keys()), or at hand: no coroutine round for them.
  if (!fetch_keys_now(resolver)) co_await fetch_keys(resolver);
  const detail::KeyFetcher& keys = s.keys;

  // Step 4: the newest AMS must verify.
  if (auto problem = check_ams(s, s.sets[n - 1], keys)) {
    result.sets[n - 1].ams_valid = false;
    result.sets[n - 1].ams_reason = *problem;
    result.status = ChainStatus::fail;
    result.reason = *problem;
    co_return result;
  }
  result.sets[n - 1].ams_valid = true;
  // What each verifying AMS leaves unsigned: a trusted sealer's set vouches only for what its
  // own h= and l= cover, whichever set is the newest.
  dkim::SingleInstanceFields fields = dkim::gather_single_instance_fields(s.headers);
  dkim::read_media_type(fields, s.headers);  // ARC messages are few: no need to wait for an l=
  auto note_coverage = [&](std::size_t k) {
    const ArcMessageSignature& ams = s.sets[k].ams;
    result.sets[k].unsigned_duplicates =
        dkim::describe_unsigned_duplicates(ams.signed_headers, fields);
    result.sets[k].unsigned_body = unsigned_body(s, ams);
    if (!result.sets[k].unsigned_body.empty()) {
      result.sets[k].partial_body_risk = dkim::partial_body_risk(ams.signed_headers, fields);
    }
  };
  note_coverage(n - 1);
  result.unsigned_duplicates = result.sets[n - 1].unsigned_duplicates;

  // Step 5: oldest-pass. AMSs older than the ones checked are left unchecked (ams_valid
  // unset), and oldest-pass names the oldest one checked: what is known to verify.
  result.oldest_pass = 0;
  if (s.options.compute_oldest_pass) {
    for (std::size_t k = n - 1; k-- > s.oldest_checked;) {
      auto problem = check_ams(s, s.sets[k], keys);
      result.sets[k].ams_valid = !problem.has_value();
      if (problem) {
        result.sets[k].ams_reason = *problem;
        result.oldest_pass = static_cast<int>(k) + 2;
        break;
      }
      note_coverage(k);
    }
    if (result.oldest_pass == 0 && s.oldest_checked > 0) {  // none of those checked broke
      result.oldest_pass = static_cast<int>(s.oldest_checked) + 1;
      for (std::size_t k = 0; k < s.oldest_checked; ++k) {
        result.sets[k].ams_reason = "not checked: only the newest " +
                                    std::to_string(kMaxCheckedAms) + " ARC-Message-Signatures are";
      }
    }
  }

  // Step 6: every seal, newest first.
  for (std::size_t k = n; k-- > 0;) {
    auto problem = check_seal(s.sets, k, keys);
    result.sets[k].seal_valid = !problem.has_value();
    if (problem) {
      result.sets[k].seal_reason = *problem;
      result.status = ChainStatus::fail;
      result.reason = *problem;
      co_return result;
    }
  }
  result.status = ChainStatus::pass;
  result.reason = "chain of " + std::to_string(n) + " ARC set" + (n == 1 ? "" : "s") + " verified";
  co_return result;
}

asio::awaitable<ArcResult> verify_arc(std::string_view message, dns::Resolver& resolver,
                                      VerifyOptions options, dkim::KeyCache* key_cache) {
  ArcVerifier verifier(options, key_cache);
  message::MessageReader reader(&verifier);
  auto fed = reader.feed(message);
  if (fed) fed = reader.finish();
  if (!fed) {
    ArcResult result;
    result.status = ChainStatus::fail;
    result.reason = "message could not be read: " + fed.reason();
    co_return result;
  }
  co_return co_await verifier.finish(resolver);
}

}  // namespace senderauth::arc
