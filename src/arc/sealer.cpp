#include "senderauth/arc/sealer.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <utility>

#include "arc_chain.hpp"
#include "arc_signing_input.hpp"
#include "authres_merge.hpp"
#include "senderauth/authres/format.hpp"
#include "senderauth/core/base64.hpp"
#include "senderauth/core/domain_name.hpp"
#include "senderauth/dkim/canonicalization.hpp"
#include "senderauth/dkim/signature.hpp"
#include "senderauth/dkim/signer.hpp"

namespace senderauth::arc {

std::vector<std::string> default_sealed_headers() {
  // RFC 6376 5.4.1's recommended set plus the MIME and list fields a forwarder should protect.
  return {"from",         "to",
          "cc",           "subject",
          "date",         "message-id",
          "reply-to",     "in-reply-to",
          "references",   "mime-version",
          "content-type", "content-transfer-encoding",
          "sender",       "dkim-signature",
          "list-id",      "list-unsubscribe",
          "list-post"};
}

std::string SealResult::fields() const {
  if (!sealed) return {};
  return arc_seal + message_signature + auth_results;
}

struct ArcSealer::State {
  SealOptions options;
  bool headers_seen = false;
  message::HeaderList headers;
  dkim::BodyHasher body{Canonicalization::relaxed, dkim::HashAlgorithm::sha256};
  std::optional<std::string> body_hash;
};

ArcSealer::ArcSealer(SealOptions options) : state_(std::make_unique<State>()) {
  state_->options = std::move(options);
}

ArcSealer::~ArcSealer() = default;

void ArcSealer::on_headers(const message::HeaderList& headers) {
  state_->headers_seen = true;
  state_->headers = headers;
}

void ArcSealer::on_body(std::string_view chunk) {
  state_->body.update(chunk);
}

void ArcSealer::on_end() {
  if (!state_->body_hash) state_->body_hash = state_->body.finish();
}

namespace {

using Tag = std::pair<std::string, std::string>;

// The field as written: tags joined by "; ", a line broken before a tag that would pass 76
// characters, b= on a line of its own, an h= too long for a line of its own broken after a ':'
// (oversigned, with several DKIM-Signatures, it can pass 998 octets on one line). The form that
// is signed is this one, canonicalised (relaxed), with b= empty. The b= value is never folded: a
// later ARC-Seal covers this field relaxed, where folding inside b= would become a space (and
// dkimpy, whose signatures the suite holds, does not fold it either). Continuation lines start with
// a space, not a tab: dkimpy's validator finds the AMS of instance N by the text " i=N;" in the raw
// field, and fails the chain when i= begins a tab-indented line.
std::string folded_field(std::string_view name, const std::vector<Tag>& tags) {
  constexpr std::size_t kWidth = 76;
  std::string out(name);
  out += ":";
  std::size_t line = out.size();
  for (std::size_t i = 0; i < tags.size(); ++i) {
    std::string token = tags[i].first + "=" + tags[i].second;
    if (i + 1 < tags.size()) token += ';';
    bool is_b = tags[i].first == "b";
    if (tags[i].first == "h" && 1 + token.size() > kWidth) {
      out += "\r\n ";
      line = 1;
      std::size_t start = 0;
      while (start < token.size()) {
        std::size_t colon = token.find(':', start);
        const std::size_t end = colon == std::string::npos ? token.size() : colon + 1;
        if (line > 1 && line + (end - start) > kWidth) {
          out += "\r\n ";
          line = 1;
        }
        out.append(token, start, end - start);
        line += end - start;
        start = end;
      }
      continue;
    }
    if (i > 0 && (is_b || line + 1 + token.size() > kWidth)) {
      out += "\r\n ";
      line = 1;
    } else {
      out += ' ';
      ++line;
    }
    out += token;
    line = is_b ? kWidth : line + token.size();  // after b=, the next tag starts a new line
  }
  out += "\r\n";
  return out;
}

Result<std::string> sign(const dkim::PrivateKey& key, SigningAlgorithm algorithm,
                         std::string_view data) {
  auto signature = key.sign(algorithm, dkim::digest(dkim::HashAlgorithm::sha256, data));
  if (!signature) return make_error("signing failed: " + signature.reason());
  return base64_encode(*signature);
}

// The highest i= among ARC fields that state one, 0 when none does.
int highest_instance(const message::HeaderList& headers) {
  int highest = 0;
  for (const auto& field : headers) {
    auto kind = arc_field_kind(field.name());
    if (!kind) continue;
    auto instance = parse_arc_instance(*kind, field.value());
    if (instance && *instance > highest) highest = *instance;
  }
  return highest;
}

// The ARC-Seal with the highest i=, when it can be read.
std::optional<ArcSeal> newest_seal(const message::HeaderList& headers) {
  const message::HeaderField* newest = nullptr;
  int highest = 0;
  for (const auto& field : headers) {
    if (arc_field_kind(field.name()) != ArcFieldKind::seal) continue;
    auto instance = parse_arc_instance(ArcFieldKind::seal, field.value());
    if (instance && *instance > highest) {
      highest = *instance;
      newest = &field;
    }
  }
  if (newest == nullptr) return std::nullopt;
  auto seal = parse_arc_seal(newest->value());
  if (!seal) return std::nullopt;
  return std::move(seal).value();
}

bool has_arc_fields(const message::HeaderList& headers) {
  return std::any_of(headers.begin(), headers.end(),
                     [](const auto& f) { return arc_field_kind(f.name()).has_value(); });
}

Result<std::vector<std::string>> signed_header_names(const SealOptions& options,
                                                     const message::HeaderList& headers) {
  std::vector<std::string> names;
  if (options.headers.empty()) {
    const std::vector<std::string> oversigned = dkim::default_oversigned_headers();
    for (const auto& name : default_sealed_headers()) {
      // An h= entry signs one field, the bottom-most not yet signed, so each copy present needs
      // its own entry: RFC 8617 4.1.2 asks for every DKIM-Signature, and a second To or Subject
      // left out could be stripped or swapped. The fields `dkim sign` oversigns get one entry
      // more, which signs their absence: a later hop that adds a Reply-To, Sender or
      // Content-Type (or a second From) breaks the AMS, so a trusted sealer's vouch cannot be
      // replayed with replies diverted or the body shown otherwise.
      auto times = static_cast<std::size_t>(
          std::count_if(headers.begin(), headers.end(), [&](const auto& f) { return f.is(name); }));
      if (std::find(oversigned.begin(), oversigned.end(), name) != oversigned.end()) ++times;
      names.insert(names.end(), times, name);
    }
  } else {
    for (const auto& given : options.headers) {
      auto name = dkim::checked_field_name(given);
      if (!name) return name.error();
      names.push_back(std::move(*name));
    }
  }
  if (std::find(names.begin(), names.end(), "from") == names.end()) {
    return make_error("the ARC-Message-Signature must sign From (is there a From field?)");
  }
  if (std::find(names.begin(), names.end(), "arc-seal") != names.end()) {
    return make_error("the ARC-Message-Signature must not sign ARC-Seal");
  }
  // RFC 8617 4.1.2: receivers add and remove Authentication-Results on the way, so a signature
  // over them would break at the next hop.
  if (std::find(names.begin(), names.end(), "authentication-results") != names.end()) {
    return make_error(
        "the ARC-Message-Signature must not sign Authentication-Results (RFC 8617 4.1.2)");
  }
  return names;
}

}  // namespace

Result<SealResult> ArcSealer::result() {
  State& s = *state_;
  on_end();
  const SealOptions& o = s.options;
  auto domain = parse_domain(o.domain);
  if (!domain) return make_error("--domain: " + domain.reason());
  if (!dkim::is_valid_dns_name(o.selector)) return make_error("invalid selector: " + o.selector);
  // The AAR is written "i=N; authserv-id; results": an id that is not a token would give a
  // payload nobody can read back (a blank one, "i=1;  ; spf=pass", names no server at all).
  if (auto id = authres::check_authserv_id(o.authserv_id); !id) {
    return make_error("invalid authserv-id: " + id.reason() +
                      " (a token is needed, such as a host name)");
  }
  auto names = signed_header_names(o, s.headers);
  if (!names) return names.error();
  SigningAlgorithm algorithm = o.key.type() == dkim::KeyType::ed25519
                                   ? SigningAlgorithm::ed25519_sha256
                                   : SigningAlgorithm::rsa_sha256;

  SealResult out;
  // Our results: given, or merged from our own Authentication-Results fields.
  detail::MergedResults results;
  if (o.auth_results) {
    // Folded into the AAR by us: a line break in it would start a field of its own.
    for (const char c : *o.auth_results) {
      const auto byte = static_cast<unsigned char>(c);
      if ((byte < 0x20 && c != '\t') || byte == 0x7f) {
        return make_error("the results to seal hold a line break or control character");
      }
    }
    results = detail::merge_results(std::vector<std::string>{*o.auth_results});
  } else {
    std::vector<std::string> payloads = detail::own_results(s.headers, o.authserv_id);
    if (payloads.empty()) {
      out.reason = "no Authentication-Results from " + o.authserv_id + " to copy";
      return out;
    }
    results = detail::merge_results(payloads);
  }

  const int instance = highest_instance(s.headers) + 1;
  const bool chain_exists = has_arc_fields(s.headers);
  if (instance > kMaxInstance) return make_error("the message already has 50 ARC sets");
  ChainStatus cv;
  if (o.chain_status) {
    cv = *o.chain_status;
  } else if (results.arc_results.size() > 1) {
    cv = ChainStatus::fail;  // two arc= verdicts of ours: not a chain we can vouch for
  } else if (results.arc_results.size() == 1) {
    auto parsed = parse_chain_status(ascii_lower(results.arc_results.front()));
    cv = parsed.value_or(ChainStatus::fail);
  } else {
    cv = ChainStatus::none;
  }
  if (!chain_exists && cv != ChainStatus::none) {
    if (o.chain_status) return make_error("no ARC set on the message: cv must be none");
    cv = ChainStatus::none;
  }
  // RFC 8617 5.1 step 2: a chain whose newest seal reports cv=fail "stops here". Sealing over
  // it would only add a set that every validator fails anyway.
  if (auto newest = newest_seal(s.headers); newest && newest->chain_status == ChainStatus::fail) {
    const std::string which = "the newest ARC-Seal (i=" + std::to_string(newest->instance) + ")";
    if (o.chain_status == ChainStatus::pass) {
      return make_error("cv=pass but " + which + " says cv=fail");
    }
    out.reason = which + " says cv=fail: chain not continued (RFC 8617 5.1)";
    return out;
  }
  if (chain_exists && cv == ChainStatus::none) {
    out.reason = "the message has ARC sets but no arc= verdict of ours: chain not continued";
    return out;
  }

  // What the new seal covers besides the new set: every older set, unless the chain failed
  // (then only our own set, as dkimpy and the ARC test suite do).
  std::vector<std::string_view> covered;
  if (cv == ChainStatus::pass) {
    auto sets = detail::collect_arc_sets(s.headers);
    if (!sets) return make_error("cv=pass but the ARC chain is broken: " + sets.reason());
    if (auto problem = detail::check_chain_status(*sets)) {
      return make_error("cv=pass but the ARC chain is broken: " + *problem);
    }
    for (const auto& set : *sets) {
      covered.push_back(set.aar_field->raw());
      covered.push_back(set.ams_field->raw());
      covered.push_back(set.seal_field->raw());
    }
  }

  std::int64_t timestamp =
      o.timestamp.value_or(std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count());
  const std::string i_text = std::to_string(instance);
  const std::string t_text = std::to_string(timestamp);
  const std::string d_text = *domain;
  const std::string s_text = ascii_lower(o.selector);
  const std::string a_text(dkim::to_string(algorithm));

  // ARC-Authentication-Results.
  out.auth_results = std::string(kArcAuthResultsName) + ": i=" + i_text + "; " + o.authserv_id +
                     "; " + results.text + "\r\n";

  // ARC-Message-Signature over the message with the new AAR on top.
  std::string h_text;
  for (const auto& name : *names) h_text += (h_text.empty() ? "" : ":") + name;
  std::vector<Tag> ams_tags = {{"a", a_text},
                               {"b", ""},
                               {"bh", base64_encode(*s.body_hash)},
                               {"c", "relaxed/relaxed"},
                               {"d", d_text},
                               {"h", h_text},
                               {"i", i_text},
                               {"s", s_text},
                               {"t", t_text}};
  message::HeaderList with_aar;
  with_aar.reserve(s.headers.size() + 1);
  with_aar.emplace_back(out.auth_results);
  with_aar.insert(with_aar.end(), s.headers.begin(), s.headers.end());
  std::string ams_input = dkim::header_hash_input(Canonicalization::relaxed, with_aar, *names,
                                                  folded_field(kArcMessageSignatureName, ams_tags));
  auto ams_b = sign(o.key, algorithm, ams_input);
  if (!ams_b) return ams_b.error();
  ams_tags[1].second = *ams_b;
  out.message_signature = folded_field(kArcMessageSignatureName, ams_tags);

  // ARC-Seal over the older sets (unless failed), the new AAR and AMS, and itself.
  std::vector<Tag> as_tags = {{"a", a_text}, {"b", ""},     {"cv", std::string(to_string(cv))},
                              {"d", d_text}, {"i", i_text}, {"s", s_text},
                              {"t", t_text}};
  covered.push_back(out.auth_results);
  covered.push_back(out.message_signature);
  std::string as_input = detail::seal_hash_input(covered, folded_field(kArcSealName, as_tags));
  auto as_b = sign(o.key, algorithm, as_input);
  if (!as_b) return as_b.error();
  as_tags[1].second = *as_b;
  out.arc_seal = folded_field(kArcSealName, as_tags);

  out.sealed = true;
  out.instance = instance;
  out.chain_status = cv;
  return out;
}

Result<SealResult> seal_message(std::string_view message, SealOptions options) {
  ArcSealer sealer(std::move(options));
  message::MessageReader reader(&sealer);
  auto fed = reader.feed(message);
  if (fed) fed = reader.finish();
  if (!fed) return make_error("message could not be read: " + fed.reason());
  return sealer.result();
}

}  // namespace senderauth::arc
