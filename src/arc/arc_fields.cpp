#include "senderauth/arc/arc_fields.hpp"

#include <charconv>

#include "senderauth/authres/parser.hpp"
#include "senderauth/core/base64.hpp"
#include "senderauth/core/domain_name.hpp"
#include "senderauth/core/tag_list.hpp"

namespace senderauth::arc {
namespace {

// Unsigned decimal, digits only, at most `max_digits` (RFC 6376 limits t= and x= to 12).
std::optional<std::uint64_t> parse_decimal(std::string_view text, std::size_t max_digits) {
  if (text.empty() || text.size() > max_digits) return std::nullopt;
  std::uint64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

Result<int> parse_instance_value(std::string_view text) {
  auto value = parse_decimal(text, 3);
  if (!value) return make_error("i= is not a number: \"" + std::string(text) + "\"");
  if (*value < 1 || *value > static_cast<std::uint64_t>(kMaxInstance)) {
    return make_error("i=" + std::string(text) + " is outside 1..50");
  }
  return static_cast<int>(*value);
}

const std::string* required(const TagList& tags, std::string_view name, std::string& error) {
  const std::string* value = tags.find(name);
  if (value == nullptr) {
    error = std::string(name) + "= is missing";
  } else if (value->empty()) {
    error = std::string(name) + "= is empty";
    return nullptr;
  }
  return value;
}

Result<std::string> decode_b64_tag(std::string_view name, const std::string& value) {
  auto decoded = base64_decode(value);
  if (!decoded) return make_error(std::string(name) + "= is not base64: " + decoded.reason());
  if (decoded->empty()) return make_error(std::string(name) + "= is empty");
  return std::move(decoded).value();
}

Result<std::string> parse_signing_domain(const std::string& value) {
  auto domain = parse_domain(value);
  if (!domain) return make_error("d= is not a domain name: " + domain.reason());
  return std::move(domain).value();
}

Result<std::optional<std::int64_t>> parse_time_tag(const TagList& tags, std::string_view name) {
  const std::string* value = tags.find(name);
  if (value == nullptr) return std::optional<std::int64_t>{};
  if (value->empty()) return make_error(std::string(name) + "= is empty");
  auto number = parse_decimal(*value, 12);
  if (!number) return make_error(std::string(name) + "= is not a timestamp: \"" + *value + "\"");
  return std::optional<std::int64_t>(static_cast<std::int64_t>(*number));
}

Result<std::pair<Canonicalization, Canonicalization>> parse_canon(const std::string* value) {
  using Pair = std::pair<Canonicalization, Canonicalization>;
  if (value == nullptr) return Pair{Canonicalization::simple, Canonicalization::simple};
  auto one = [](std::string_view s) -> std::optional<Canonicalization> {
    if (s == "simple") return Canonicalization::simple;
    if (s == "relaxed") return Canonicalization::relaxed;
    return std::nullopt;
  };
  std::string_view text = *value;
  auto slash = text.find('/');
  auto header = one(text.substr(0, slash));
  auto body = slash == std::string_view::npos ? std::optional(Canonicalization::simple)
                                              : one(text.substr(slash + 1));
  if (!header || !body) return make_error("c= is not a canonicalization: \"" + *value + "\"");
  return Pair{*header, *body};
}

Result<std::vector<std::string>> parse_header_list(const std::string& value) {
  std::vector<std::string> names;
  std::string_view rest = value;
  while (true) {
    auto colon = rest.find(':');
    std::string_view name = trim_fws(rest.substr(0, colon));
    for (char c : name) {
      // RFC 5322 ftext: printable ASCII except colon.
      if (c < 33 || c > 126) return make_error("h= has an invalid header field name");
    }
    // An empty entry ("from::to") names no field and signs nothing: tolerated, as every peer
    // and the ARC suite (ams_fields_h_mis_hdr) do. An h= naming nothing at all fails below.
    if (!name.empty()) names.push_back(ascii_lower(name));
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  return names;
}

}  // namespace

std::optional<ArcFieldKind> arc_field_kind(std::string_view field_name) {
  if (iequals(field_name, kArcSealName)) return ArcFieldKind::seal;
  if (iequals(field_name, kArcMessageSignatureName)) return ArcFieldKind::message_signature;
  if (iequals(field_name, kArcAuthResultsName)) return ArcFieldKind::auth_results;
  return std::nullopt;
}

std::string_view to_string(ArcFieldKind kind) {
  switch (kind) {
    case ArcFieldKind::seal:
      return kArcSealName;
    case ArcFieldKind::message_signature:
      return kArcMessageSignatureName;
    case ArcFieldKind::auth_results:
      return kArcAuthResultsName;
  }
  return "?";
}

std::string_view to_string(ChainStatus status) {
  switch (status) {
    case ChainStatus::none:
      return "none";
    case ChainStatus::pass:
      return "pass";
    case ChainStatus::fail:
      return "fail";
  }
  return "?";
}

std::optional<ChainStatus> parse_chain_status(std::string_view text) {
  if (text == "none") return ChainStatus::none;
  if (text == "pass") return ChainStatus::pass;
  if (text == "fail") return ChainStatus::fail;
  return std::nullopt;
}

std::optional<SigningAlgorithm> parse_signing_algorithm(std::string_view text) {
  if (text == "rsa-sha256") return SigningAlgorithm::rsa_sha256;
  if (text == "ed25519-sha256") return SigningAlgorithm::ed25519_sha256;
  return std::nullopt;
}

Result<ArcMessageSignature> parse_arc_message_signature(std::string_view value) {
  auto parsed = TagList::parse(value);
  if (!parsed) return make_error("ARC-Message-Signature: " + parsed.reason());
  const TagList& tags = *parsed;
  auto fail = [](const std::string& why) { return make_error("ARC-Message-Signature: " + why); };
  std::string error;
  ArcMessageSignature ams;
  for (std::string_view name : {"i", "a", "b", "bh", "d", "h", "s"}) {
    if (required(tags, name, error) == nullptr) return fail(error);
  }
  auto instance = parse_instance_value(*tags.find("i"));
  if (!instance) return fail(instance.reason());
  ams.instance = *instance;
  auto algorithm = parse_signing_algorithm(*tags.find("a"));
  if (!algorithm) return fail("a=" + *tags.find("a") + " is not a supported algorithm");
  ams.algorithm = *algorithm;
  auto b = decode_b64_tag("b", *tags.find("b"));
  if (!b) return fail(b.reason());
  ams.signature = std::move(b).value();
  auto bh = decode_b64_tag("bh", *tags.find("bh"));
  if (!bh) return fail(bh.reason());
  ams.body_hash = std::move(bh).value();
  const std::string* c = tags.find("c");
  if (c != nullptr && c->empty()) return fail("c= is empty");
  auto canon = parse_canon(c);
  if (!canon) return fail(canon.reason());
  ams.header_canon = canon->first;
  ams.body_canon = canon->second;
  auto domain = parse_signing_domain(*tags.find("d"));
  if (!domain) return fail(domain.reason());
  ams.domain = std::move(domain).value();
  ams.selector = *tags.find("s");
  auto headers = parse_header_list(*tags.find("h"));
  if (!headers) return fail(headers.reason());
  ams.signed_headers = std::move(headers).value();
  bool signs_from = false;
  for (const auto& name : ams.signed_headers) {
    // RFC 8617 4.1.2: the AMS must not sign ARC-Seal fields.
    if (name == "arc-seal") return fail("h= signs ARC-Seal");
    if (name == "from") signs_from = true;
  }
  // RFC 6376 6.1.1 (the AMS has DKIM's semantics): a signature not covering From is a PERMFAIL.
  if (!signs_from) return fail("h= does not sign From");
  if (const std::string* l = tags.find("l")) {
    auto length = parse_decimal(*l, 76);
    if (!length) return fail("l= is not a number: \"" + *l + "\"");
    ams.body_length = *length;
  }
  auto t = parse_time_tag(tags, "t");
  if (!t) return fail(t.reason());
  ams.timestamp = *t;
  auto x = parse_time_tag(tags, "x");
  if (!x) return fail(x.reason());
  ams.expiration = *x;
  return ams;
}

Result<ArcSeal> parse_arc_seal(std::string_view value) {
  auto parsed = TagList::parse(value);
  if (!parsed) return make_error("ARC-Seal: " + parsed.reason());
  const TagList& tags = *parsed;
  auto fail = [](const std::string& why) { return make_error("ARC-Seal: " + why); };
  std::string error;
  ArcSeal seal;
  for (std::string_view name : {"i", "a", "b", "cv", "d", "s"}) {
    if (required(tags, name, error) == nullptr) return fail(error);
  }
  // RFC 8617 4.1.3: the seal's coverage is fixed; an h= tag makes the seal invalid.
  if (tags.has("h")) return fail("h= is not allowed in an ARC-Seal");
  auto instance = parse_instance_value(*tags.find("i"));
  if (!instance) return fail(instance.reason());
  seal.instance = *instance;
  auto algorithm = parse_signing_algorithm(*tags.find("a"));
  if (!algorithm) return fail("a=" + *tags.find("a") + " is not a supported algorithm");
  seal.algorithm = *algorithm;
  auto b = decode_b64_tag("b", *tags.find("b"));
  if (!b) return fail(b.reason());
  seal.signature = std::move(b).value();
  auto cv = parse_chain_status(*tags.find("cv"));
  if (!cv) return fail("cv=" + *tags.find("cv") + " is not none, pass or fail");
  seal.chain_status = *cv;
  auto domain = parse_signing_domain(*tags.find("d"));
  if (!domain) return fail(domain.reason());
  seal.domain = std::move(domain).value();
  seal.selector = *tags.find("s");
  auto t = parse_time_tag(tags, "t");
  if (!t) return fail(t.reason());
  seal.timestamp = *t;
  return seal;
}

namespace {

// RFC 8617 4.1.1: arc-info = instance [CFWS] ";" authres-payload, where
// instance = [CFWS] "i" [CFWS] "=" [CFWS] i-value. Returns the rest after ";".
Result<std::pair<int, std::string_view>> split_aar_instance(std::string_view value) {
  std::string_view rest = value;
  auto skip_ws = [&rest] {
    while (!rest.empty() && is_fws_char(rest.front())) rest.remove_prefix(1);
  };
  skip_ws();
  if (rest.empty() || rest.front() != 'i') {
    return make_error("ARC-Authentication-Results: does not start with i=");
  }
  rest.remove_prefix(1);
  skip_ws();
  if (rest.empty() || rest.front() != '=') {
    return make_error("ARC-Authentication-Results: does not start with i=");
  }
  rest.remove_prefix(1);
  skip_ws();
  std::size_t digits = 0;
  while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') ++digits;
  auto instance = parse_instance_value(rest.substr(0, digits));
  if (!instance) return make_error("ARC-Authentication-Results: " + instance.reason());
  rest.remove_prefix(digits);
  skip_ws();
  if (rest.empty() || rest.front() != ';') {
    return make_error("ARC-Authentication-Results: no \";\" after i=");
  }
  rest.remove_prefix(1);
  return std::pair{*instance, rest};
}

}  // namespace

Result<ArcAuthResults> parse_arc_auth_results(std::string_view value) {
  auto split = split_aar_instance(value);
  if (!split) return split.error();
  ArcAuthResults aar;
  aar.instance = split->first;
  // RFC 8617 3.4: "The accuracy or syntax of the authres-payload field does not affect the
  // validity of the ARC Chain itself." So a payload without an authserv-id (or with none at
  // all) is kept as written, for whoever reads it, and the authserv-id is shown when there is
  // one.
  aar.payload = std::string(trim_fws(split->second));
  aar.authserv_id = authres::extract_authserv_id(aar.payload).value_or("");
  return aar;
}

Result<int> parse_arc_instance(ArcFieldKind kind, std::string_view value) {
  std::string_view name = to_string(kind);
  if (kind == ArcFieldKind::auth_results) {
    auto split = split_aar_instance(value);
    if (!split) return split.error();
    return split->first;
  }
  auto parsed = TagList::parse(value);
  if (!parsed) return make_error(std::string(name) + ": " + parsed.reason());
  const std::string* i = parsed->find("i");
  if (i == nullptr) return make_error(std::string(name) + ": i= is missing");
  auto instance = parse_instance_value(*i);
  if (!instance) return make_error(std::string(name) + ": " + instance.reason());
  return *instance;
}

}  // namespace senderauth::arc
