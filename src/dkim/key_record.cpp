#include "senderauth/dkim/key_record.hpp"

#include "senderauth/core/base64.hpp"
#include "senderauth/core/domain_name.hpp"
#include "senderauth/core/tag_list.hpp"

namespace senderauth::dkim {

namespace {

std::vector<std::string> colon_list(std::string_view text) {
  std::vector<std::string> out;
  while (true) {
    auto colon = text.find(':');
    std::string_view item = trim_fws(text.substr(0, colon));
    if (!item.empty()) out.push_back(ascii_lower(item));
    if (colon == std::string_view::npos) break;
    text.remove_prefix(colon + 1);
  }
  return out;
}

}  // namespace

bool KeyRecord::allows_hash(HashAlgorithm hash) const {
  if (hash_algorithms.empty()) return true;
  std::string_view want = hash == HashAlgorithm::sha256 ? "sha256" : "sha1";
  for (const auto& h : hash_algorithms) {
    if (h == want) return true;
  }
  return false;
}

bool KeyRecord::allows_email() const {
  for (const auto& s : services) {
    if (s == "*" || s == "email") return true;
  }
  return false;
}

Result<KeyRecord> parse_key_record(std::string_view text) {
  auto parsed = TagList::parse(text);
  if (!parsed) return make_error("key record syntax: " + parsed.reason());
  const auto& tags = parsed->tags();
  KeyRecord key;
  key.services = {"*"};
  for (std::size_t i = 0; i < tags.size(); ++i) {
    if (tags[i].name == "v") {
      if (i != 0) return make_error("key record v= is not the first tag");
      if (trim_fws(tags[i].value) != "DKIM1") {
        return make_error("key record v= is \"" + tags[i].value + "\", not DKIM1");
      }
    }
  }
  if (const std::string* k = parsed->find("k")) {
    std::string_view type = trim_fws(*k);
    if (iequals(type, "rsa")) {
      key.key_type = KeyType::rsa;
    } else if (iequals(type, "ed25519")) {
      key.key_type = KeyType::ed25519;
    } else {
      return make_error("key record k= names an unknown key type \"" + *k + "\"");
    }
  }
  if (const std::string* h = parsed->find("h")) key.hash_algorithms = colon_list(*h);
  if (const std::string* s = parsed->find("s")) key.services = colon_list(*s);
  if (const std::string* t = parsed->find("t")) {
    for (const auto& flag : colon_list(*t)) {
      if (flag == "y") key.testing = true;
      if (flag == "s") key.strict = true;
    }
  }
  const std::string* p = parsed->find("p");
  if (!p) return make_error("key record has no p= tag");
  auto der = base64_decode(*p);
  if (!der) return make_error("key record p= is not base64: " + der.reason());
  key.public_key = std::move(*der);
  return key;
}

Result<std::size_t> choose_key_record(const std::vector<std::string>& texts) {
  if (texts.empty()) return make_error("no TXT record");
  if (texts.size() == 1) return std::size_t{0};
  std::size_t chosen = texts.size();
  std::size_t key_records = 0;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    if (!parse_key_record(texts[i]).ok()) continue;
    ++key_records;
    if (chosen == texts.size()) chosen = i;
  }
  if (key_records == 1) return chosen;
  if (key_records == 0) {
    return make_error("none of " + std::to_string(texts.size()) +
                      " TXT records is a key record (the first: " +
                      parse_key_record(texts.front()).reason() + ")");
  }
  return make_error(std::to_string(key_records) + " key records among " +
                    std::to_string(texts.size()) +
                    " TXT records; RFC 6376 3.6.2.2 leaves the choice undefined");
}

std::string format_key_record(KeyType type, std::string_view public_key_der) {
  return "v=DKIM1; k=" + std::string(to_string(type)) + "; p=" + base64_encode(public_key_der);
}

std::vector<std::string> split_txt_strings(std::string_view text, std::size_t max) {
  std::vector<std::string> out;
  if (max == 0) max = 255;
  do {
    out.emplace_back(text.substr(0, max));
    text.remove_prefix(std::min(max, text.size()));
  } while (!text.empty());
  return out;
}

}  // namespace senderauth::dkim
