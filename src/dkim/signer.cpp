#include "senderauth/dkim/signer.hpp"

#include <algorithm>
#include <chrono>

#include "senderauth/core/base64.hpp"
#include "senderauth/core/domain_name.hpp"
#include "senderauth/core/idna.hpp"
#include "senderauth/dkim/canonicalization.hpp"
#include "senderauth/dkim/signature.hpp"

namespace senderauth::dkim {

std::vector<std::string> default_signed_headers() {
  return {"from",
          "reply-to",
          "subject",
          "date",
          "to",
          "cc",
          "message-id",
          "in-reply-to",
          "references",
          "mime-version",
          "content-type",
          "content-transfer-encoding",
          "content-disposition",
          "list-id",
          "list-unsubscribe",
          "list-unsubscribe-post",
          "sender"};
}

// The fields whose addition changes what the reader sees (author, where replies go,
// recipients, subject) or how the body is rendered (the MIME fields: a Content-Type added to a
// message without one is a known display attack). Date and Message-ID are signed when present
// but not oversigned: MTAs add them when missing (Postfix does for local submissions), which
// would break every signature made before. Nor is Sender: RFC 5322 3.6.2 makes it the field of
// an agent sending for the author, and a mailing list that adds only Sender and List-* fields
// (Mailman 2 does by default) leaves the author's signature valid; an added Sender shows the
// reader who relayed, and diverts no reply. An added second copy of any of them is still
// caught by verifiers that check unsigned duplicates (RFC 6376 8.15), as ours does.
std::vector<std::string> default_oversigned_headers() {
  return {"from", "reply-to",     "subject",      "to",
          "cc",   "mime-version", "content-type", "content-transfer-encoding"};
}

namespace {

constexpr std::size_t kLineWidth = 76;

struct BodyEntry {
  Canonicalization canon;
  std::unique_ptr<BodyHasher> hasher;
  std::string digest;
  std::uint64_t length = 0;
};

// Appends `items` joined by `sep`, folding (CRLF TAB) before an item that would pass the width.
// A space separator is left out at a fold (the fold is the white space), so no line ends in a
// blank; a ':' stays at the end of the line.
void append_folded(std::string& out, std::size_t& column, const std::vector<std::string>& items,
                   char sep) {
  for (std::size_t i = 0; i < items.size(); ++i) {
    // The item and the separator that may follow it must fit.
    if (i > 0 && column + 1 + items[i].size() + 1 > kLineWidth) {
      if (sep != ' ') out.push_back(sep);
      out += "\r\n\t";
      column = 8;
    } else if (i > 0) {
      out.push_back(sep);
      ++column;
    }
    out += items[i];
    column += items[i].size();
  }
}

// The names for h=, each checked by checked_field_name() and de-duplicated (a name listed
// twice would be hashed twice as often as the message has it).
Result<std::vector<std::string>> field_names(const std::vector<std::string>& list) {
  std::vector<std::string> out;
  for (const auto& given : list) {
    auto name = checked_field_name(given);
    if (!name) return name.error();
    if (std::ranges::find(out, *name) == out.end()) out.push_back(std::move(*name));
  }
  return out;
}

}  // namespace

// Trimmed of surrounding blanks and lower-cased. Anything but an RFC 5322 field name (printable
// ASCII except ':') is refused rather than dropped or written into h=, and so is ';', which
// would end the h= tag and start another inside the signed tag list.
Result<std::string> checked_field_name(std::string_view given) {
  std::string_view name = given;
  while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) name.remove_prefix(1);
  while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
  const bool valid = !name.empty() && std::ranges::all_of(name, [](char ch) {
    const auto u = static_cast<unsigned char>(ch);
    return u >= 33 && u <= 126 && ch != ':' && ch != ';';
  });
  if (!valid) {
    return make_error("invalid header field name \"" + std::string(given) +
                      "\" (printable ASCII, no ':' or ';')");
  }
  return ascii_lower(name);
}

struct DkimSigner::State {
  std::vector<SignerConfig> configs;
  message::HeaderList headers;
  std::vector<BodyEntry> bodies;  // one per body canonicalisation in use
  std::vector<std::size_t> body_of;
  bool ended = false;
};

DkimSigner::DkimSigner(std::vector<SignerConfig> configs) : state_(std::make_unique<State>()) {
  state_->configs = std::move(configs);
  for (const auto& c : state_->configs) {
    std::size_t index = state_->bodies.size();
    for (std::size_t i = 0; i < state_->bodies.size(); ++i) {
      if (state_->bodies[i].canon == c.body_canon) index = i;
    }
    if (index == state_->bodies.size()) {
      state_->bodies.push_back(BodyEntry{
          c.body_canon, std::make_unique<BodyHasher>(c.body_canon, HashAlgorithm::sha256), {}, 0});
    }
    state_->body_of.push_back(index);
  }
}

DkimSigner::~DkimSigner() = default;

void DkimSigner::on_headers(const message::HeaderList& headers) {
  state_->headers = headers;
}

void DkimSigner::on_body(std::string_view chunk) {
  for (auto& b : state_->bodies) b.hasher->update(chunk);
}

void DkimSigner::on_end() {
  if (state_->ended) return;
  state_->ended = true;
  for (auto& b : state_->bodies) {
    b.digest = b.hasher->finish();
    b.length = b.hasher->canonical_length();
  }
}

Result<std::vector<std::string>> DkimSigner::signatures() {
  on_end();
  const State& st = *state_;
  bool has_from = false;
  for (const auto& h : st.headers) has_from = has_from || h.is("from");
  if (!has_from) return make_error("the message has no From field to sign");

  std::vector<std::string> fields;
  for (std::size_t ci = 0; ci < st.configs.size(); ++ci) {
    const SignerConfig& c = st.configs[ci];
    Algorithm algorithm = c.algorithm.value_or(
        c.key.type() == KeyType::rsa ? Algorithm::rsa_sha256 : Algorithm::ed25519_sha256);
    if (algorithm == Algorithm::rsa_sha1)
      return make_error("rsa-sha1 signing is refused (RFC 8301)");
    if (key_type_of(algorithm) != c.key.type()) {
      const auto a_key = [](KeyType type) {
        return type == KeyType::rsa ? "an RSA key" : "an Ed25519 key";
      };
      return make_error(std::string(to_string(algorithm)) + " needs " +
                        a_key(key_type_of(algorithm)) + ", not " + a_key(c.key.type()));
    }
    if (c.key.type() == KeyType::rsa && c.key.bits() < 1024) {
      return make_error("RSA keys below 1024 bits are refused (RFC 8301)");
    }
    // U-labels are written as A-labels, which any verifier reads (RFC 8616 5 keeps them valid
    // in internationalised messages too).
    const auto domain = dns_name_in_a_labels(c.domain);
    if (!domain) return make_error("invalid signing domain: " + c.domain);
    const auto selector = dns_name_in_a_labels(c.selector);
    if (!selector) return make_error("invalid selector: " + c.selector);
    std::string identity;
    if (!c.identity.empty()) {
      const auto at = c.identity.rfind('@');
      const std::string_view written = at == std::string::npos
                                           ? std::string_view()
                                           : std::string_view(c.identity).substr(at + 1);
      const auto idomain = dns_name_in_a_labels(written);
      if (at == std::string::npos || !idomain || !domain_is_subdomain_of(*idomain, *domain)) {
        return make_error("i= must be an address at d= or a subdomain of it");
      }
      // No address has a longer local part (RFC 5321 4.5.3.1.1); unbounded, i= alone could
      // pass the 998-octet line limit (RFC 5322 2.1.1), which no fold can help.
      if (at > 64) {
        return make_error("i= local part of " + std::to_string(at) +
                          " octets: at most 64 (RFC 5321 4.5.3.1.1)");
      }
      identity = encode_dkim_qp(std::string_view(c.identity).substr(0, at)) + "@" +
                 (is_ascii(written) ? std::string(written) : *idomain);
    }

    // Oversigned, DKIM-Signature has one more h= entry than the message has such fields: the
    // signer hashes it as absent (the new field does not exist yet), a verifier finds the new
    // field itself there and hashes it, so the signature could never verify. RFC 6376 3.5: a
    // signature is never in its own h=; earlier signatures may still be signed (--headers).
    const auto signed_names = field_names(c.headers);
    if (!signed_names) return signed_names.error();
    const auto oversigned = field_names(c.oversign);
    if (!oversigned) return oversigned.error();
    for (const auto& name : *oversigned) {
      if (name == "dkim-signature") {
        return make_error(
            "DKIM-Signature cannot be oversigned: a signature is never in its own h= "
            "(RFC 6376 3.5), so it could not verify");
      }
    }
    // h=: each listed name once per instance present, once more if oversigned.
    std::vector<std::string> names;
    auto count = [&](std::string_view name) {
      std::size_t n = 0;
      for (const auto& h : st.headers) n += h.is(name) ? 1 : 0;
      return n;
    };
    auto listed = [&](const std::vector<std::string>& list, std::string_view name) {
      for (const auto& x : list) {
        if (iequals(x, name)) return true;
      }
      return false;
    };
    auto add_name = [&](const std::string& name) {
      std::size_t n = count(name) + (listed(*oversigned, name) ? 1 : 0);
      for (std::size_t i = 0; i < n; ++i) names.push_back(name);
    };
    for (const auto& name : *signed_names) add_name(name);
    for (const auto& name : *oversigned) {
      if (!listed(*signed_names, name)) add_name(name);
    }
    if (!listed(*signed_names, "from") && !listed(*oversigned, "from"))
      names.insert(names.begin(), "from");

    const BodyEntry& body = st.bodies[st.body_of[ci]];
    // One run of tags, folded between tags wherever a line would pass 78 columns (RFC 5322
    // 2.1.1): long (or IDN A-label) d= and s= values fold too, and t= and what follows fill the
    // line s= starts instead of taking one of their own.
    std::vector<std::string> tags = {"v=1;", "a=" + std::string(to_string(algorithm)) + ";",
                                     "c=" + std::string(to_string(c.header_canon)) + "/" +
                                         std::string(to_string(c.body_canon)) + ";",
                                     "d=" + *domain + ";", "s=" + *selector + ";"};
    std::int64_t now = c.timestamp.value_or(std::chrono::duration_cast<std::chrono::seconds>(
                                                std::chrono::system_clock::now().time_since_epoch())
                                                .count());
    // RFC 6376 3.5: t= and x= are 1*12DIGIT, and x= MUST be greater than t=.
    constexpr std::int64_t kMaxTime = 999'999'999'999;
    if (now < 0 || now > kMaxTime) return make_error("t= must be 0 to 999999999999");
    if (c.expiration && (*c.expiration <= now || *c.expiration > kMaxTime)) {
      return make_error("x= must be after t= and at most 999999999999");
    }
    tags.push_back("t=" + std::to_string(now) + ";");
    if (c.expiration) tags.push_back("x=" + std::to_string(*c.expiration) + ";");
    if (!identity.empty()) tags.push_back("i=" + identity + ";");
    if (c.body_length) tags.push_back("l=" + std::to_string(body.length) + ";");
    std::string f = "DKIM-Signature: ";
    std::size_t column = f.size();
    append_folded(f, column, tags, ' ');
    f += "\r\n\th=";
    column = 10;
    append_folded(f, column, names, ':');
    f += ";\r\n\tbh=" + base64_encode(body.digest) + ";\r\n\tb=";

    std::string input = header_hash_input(c.header_canon, st.headers, names, f + "\r\n");
    auto signature = c.key.sign(algorithm, digest(hash_of(algorithm), input));
    if (!signature) return signature.error();
    std::string b = base64_encode(*signature);
    for (std::size_t i = 0; i < b.size(); i += 70) {
      if (i > 0) f += "\r\n\t ";
      f += b.substr(i, 70);
    }
    f += "\r\n";
    fields.push_back(std::move(f));
  }
  return fields;
}

namespace {
class BodyCollector final : public message::MessageSink {
 public:
  void on_body(std::string_view chunk) override { body.append(chunk); }
  std::string body;
};
}  // namespace

Result<std::string> sign_message(std::string_view message, std::vector<SignerConfig> configs) {
  DkimSigner signer(std::move(configs));
  BodyCollector collector;
  message::FanoutSink fan;
  fan.add(signer);
  fan.add(collector);
  message::MessageReader reader(&fan);
  if (auto r = reader.feed(message); !r) return r.error();
  if (auto r = reader.finish(); !r) return r.error();
  auto fields = signer.signatures();
  if (!fields) return fields.error();
  std::string out;
  for (const auto& f : *fields) out += f;
  for (const auto& h : reader.headers()) out += h.raw();
  out += "\r\n";
  out += collector.body;
  return out;
}

}  // namespace senderauth::dkim
