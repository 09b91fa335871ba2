// senderauth dkim verify | sign | keygen
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <asio/io_context.hpp>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/command_registry.hpp"
#include "cli/input_file.hpp"
#include "cli/partial_body_option.hpp"
#include "cli/resolver_options.hpp"
#include "cli/terminal_text.hpp"
#include "cli/unix_time.hpp"
#include "senderauth/core/idna.hpp"
#include "senderauth/dkim/key_record.hpp"
#include "senderauth/dkim/signature.hpp"
#include "senderauth/dkim/signer.hpp"
#include "senderauth/dkim/verifier.hpp"
#include "senderauth/dns/run_sync.hpp"
#include "senderauth/message/message_reader.hpp"
#include "senderauth/pipeline/authres_clauses.hpp"

namespace senderauth::cli {
namespace {

struct FileResults {
  std::vector<dkim::DkimResult> results;
  // An internationalised message (RFC 6532: UTF-8 in its header section): its clauses may keep
  // a UTF-8 i= as check's field does, instead of one '?' per byte.
  bool utf8_header = false;
  // Why the message could not be read (a size limit, a line without a colon...), or empty.
  // Signatures below the point where reading stopped were never seen: with none found above it,
  // the message says this instead of "none".
  std::string unreadable;
};

// Streams a file through the reader into the verifier in 64 KiB chunks: the body is never
// held whole.
FileResults verify_file(const std::string& path, dns::Resolver& resolver, asio::io_context& io,
                        const dkim::VerifyOptions& options) {
  dkim::DkimVerifier verifier(options);
  message::MessageReader reader(&verifier);
  const Result<void> status = stream_input(path, reader);
  const bool utf8_header =
      std::ranges::any_of(reader.headers(), [](const auto& h) { return !is_ascii(h.raw()); });
  if (!status) {
    std::vector<dkim::DkimResult> results;
    for (const auto& h : reader.headers()) {
      if (!h.is("DKIM-Signature")) continue;
      dkim::DkimResult r;
      auto summary = dkim::summarize_signature(h.value());
      r.domain = summary.domain;
      r.selector = summary.selector;
      r.algorithm = summary.algorithm;
      r.signature_text = summary.signature_text;
      r.status = dkim::DkimStatus::permerror;
      r.reason = "message not readable: " + status.reason();
      results.push_back(std::move(r));
    }
    dkim::assign_unique_b_prefixes(results);
    return {std::move(results), utf8_header, "message not readable: " + status.reason()};
  }
  return {dns::run_sync(io, verifier.verify(resolver)), utf8_header, {}};
}

// The tags are the signature's own text (a neutral result's may hold anything): one line each.
std::string text_line(const dkim::DkimResult& r) {
  std::string line(dkim::to_string(r.status));
  if (!r.domain.empty()) line += " d=" + r.domain;
  if (!r.selector.empty()) line += " s=" + r.selector;
  if (!r.algorithm.empty()) line += " a=" + r.algorithm;
  if (!r.header_b.empty()) line += " b=" + r.header_b;
  if (!r.identity.empty()) line += " i=" + r.identity;
  if (!r.reason.empty()) line += " (" + r.reason + ")";
  return terminal_text(line);
}

nlohmann::json json_result(const dkim::DkimResult& r, bool utf8_header) {
  return {{"result", std::string(dkim::to_string(r.status))},
          {"reason", r.reason},
          {"d", r.domain},
          {"i", r.identity},
          {"s", r.selector},
          {"a", r.algorithm},
          {"b", r.header_b},
          {"testing", r.testing},
          {"authentication_results", pipeline::clause_text(pipeline::dkim_clause(r), utf8_header)}};
}

void add_verify(CLI::App& dkim_cmd, CliState& state) {
  struct Options {
    ResolverOptions resolver;
    std::optional<std::int64_t> now;
    bool json = false;
    int skew = 300;
    int future_skew = 86400;
    std::size_t max_signatures = 16;
    PartialBodyOption partial_body;
    bool accept_unsigned_duplicates = false;
    std::vector<std::string> messages;
  };
  auto o = std::make_shared<Options>();
  auto* c = dkim_cmd.add_subcommand("verify", "Verify the DKIM signatures of messages");
  o->resolver.add_to(*c);
  c->add_option("--now", o->now, "Verify at this Unix time (t=, x=)")->check(unix_time());
  c->add_option("--clock-skew", o->skew, "Seconds an expired x= is still accepted (default 300)")
      ->check(CLI::Range(0, 86400));
  c->add_option("--future-skew", o->future_skew, "Seconds t= may lie ahead (default 86400)")
      ->check(CLI::Range(0, 31536000));
  c->add_option("--max-signatures", o->max_signatures, "Signatures verified per message")
      ->check(CLI::Range(1, 1000));
  o->partial_body.add_to(*c);
  c->add_flag("--accept-unsigned-duplicates", o->accept_unsigned_duplicates,
              "A signed Subject, From, Date, Content-Type... with an unsigned second copy of "
              "another value still passes (default: policy, RFC 6376 8.15)");
  c->add_flag("--json", o->json, "One JSON object per message");
  c->add_option("MESSAGE", o->messages, "Message files (- for standard input)")->required();
  c->callback([o, &state] {
    asio::io_context io;
    auto resolver = o->resolver.make(io);
    dkim::VerifyOptions options;
    options.now = o->now;
    options.clock_skew = std::chrono::seconds(o->skew);
    options.future_skew = std::chrono::seconds(o->future_skew);
    options.max_signatures = o->max_signatures;
    options.partial_body = o->partial_body.rule();
    options.refuse_unsigned_duplicates = !o->accept_unsigned_duplicates;
    for (const auto& path : o->messages) {
      auto [results, utf8_header, unreadable] = verify_file(path, *resolver, io, options);
      if (o->json) {
        nlohmann::json out = {{"message", path}, {"results", nlohmann::json::array()}};
        for (const auto& r : results) out["results"].push_back(json_result(r, utf8_header));
        if (results.empty() && unreadable.empty()) out["result"] = "none";
        if (results.empty() && !unreadable.empty()) {
          out["result"] = "permerror";
          out["reason"] = unreadable;
        }
        std::cout << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
        continue;
      }
      std::string suffix = o->messages.size() > 1 ? " message=" + path : "";
      if (results.empty() && unreadable.empty()) std::cout << "none" << suffix << "\n";
      if (results.empty() && !unreadable.empty()) {
        std::cout << "permerror (" << unreadable << ")" << suffix << "\n";
      }
      for (const auto& r : results) std::cout << text_line(r) << suffix << "\n";
    }
    std::cout.flush();
    state.exit_code = 0;
  });
}

std::optional<dkim::Canonicalization> canon_part(std::string_view s) {
  return dkim::parse_canonicalization(s);
}

// Items between ':' or ','; blanks around an item are dropped, empty items skipped. The
// signer refuses whatever is left that is no field name.
std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    auto colon = text.find_first_of(":,", pos);
    std::string item =
        text.substr(pos, colon == std::string::npos ? std::string::npos : colon - pos);
    const auto first = item.find_first_not_of(" \t");
    item = first == std::string::npos
               ? std::string()
               : item.substr(first, item.find_last_not_of(" \t") + 1 - first);
    if (!item.empty()) out.push_back(item);
    if (colon == std::string::npos) break;
    pos = colon + 1;
  }
  return out;
}

// A domain given as an absolute name ("example.test.") means the same domain; d= and the key
// record's owner name are written without the root's dot. Only one dot is taken: "x.." stays
// invalid.
std::string without_root_dot(const std::string& domain) {
  return domain.size() > 1 && domain.back() == '.' ? domain.substr(0, domain.size() - 1) : domain;
}

std::string a_key_of(dkim::KeyType type) {
  return type == dkim::KeyType::rsa ? "an RSA key" : "an Ed25519 key";
}

void add_sign(CLI::App& dkim_cmd, CliState& state) {
  struct Options {
    std::vector<std::string> keys, selectors, algorithms;
    std::string domain, canon = "relaxed/relaxed", headers, oversign, identity, input = "-";
    bool body_length = false;
    std::optional<std::int64_t> timestamp;
    std::optional<std::int64_t> expire_after;
  };
  auto o = std::make_shared<Options>();
  auto* c = dkim_cmd.add_subcommand(
      "sign", "Sign a message (standard input to standard output); repeat --key to dual-sign");
  // One value per occurrence, as every repeatable option: "--key a.pem b.pem" would otherwise
  // take b.pem as a second key where a message file may have been meant.
  c->add_option("--key", o->keys,
                "PEM private key (RSA or Ed25519), or a base64 Ed25519 seed; repeatable")
      ->required()
      ->allow_extra_args(false);
  c->add_option("--domain", o->domain, "Signing domain (d=)")->required();
  c->add_option("--selector", o->selectors,
                "Selector (s=); one per --key (one for all only if they are the same key)")
      ->required()
      ->allow_extra_args(false);
  c->add_option("--algorithm", o->algorithms, "rsa-sha256 or ed25519-sha256; default by key")
      ->allow_extra_args(false);
  c->add_option("--canon", o->canon, "header/body canonicalization (default relaxed/relaxed)");
  auto* headers = c->add_option("--headers", o->headers, "Colon-separated header names to sign");
  auto* oversign = c->add_option("--oversign", o->oversign,
                                 "Colon-separated names signed once more than present, or none");
  c->add_option("--identity", o->identity, "i= (an address at the domain)");
  c->add_flag("--body-length", o->body_length, "Add l= (off by default)");
  c->add_option("--timestamp", o->timestamp, "t= (default: now)")->check(unix_time());
  c->add_option("--expire-after", o->expire_after, "Add x= this many seconds after t=");
  c->add_option("--in", o->input, "Read the message from this file instead of standard input");
  c->callback([o, &state, headers, oversign] {
    // An empty value is more likely an unset shell variable than a wish: taken as the default
    // (or as none) it would silently sign something else than asked.
    if (headers->count() > 0 && o->headers.empty()) {
      throw CliError("--headers is empty: give header names (or leave it out for the default)");
    }
    if (oversign->count() > 0 && o->oversign.empty()) {
      throw CliError("--oversign is empty: give header names, or none");
    }
    if (o->selectors.size() != 1 && o->selectors.size() != o->keys.size()) {
      throw CliError("give one --selector per --key, in --key order");
    }
    if (!o->algorithms.empty() && o->algorithms.size() != o->keys.size()) {
      throw CliError("give --algorithm once per --key, or not at all");
    }
    auto slash = o->canon.find('/');
    auto hc = canon_part(o->canon.substr(0, slash));
    auto bc = slash == std::string::npos ? std::optional(dkim::Canonicalization::simple)
                                         : canon_part(o->canon.substr(slash + 1));
    if (!hc || !bc) throw CliError("--canon must be simple|relaxed[/simple|relaxed]");
    std::vector<dkim::PrivateKey> keys;
    for (const auto& path : o->keys) {
      auto key = dkim::PrivateKey::from_key_file(read_input(path));
      if (!key) throw CliError(path + ": " + key.reason());
      keys.push_back(*key);
    }
    // s= names one key record: keys that differ under one selector give signatures of which
    // at most one can verify. One key signed twice (say with two canonicalisations) may share.
    if (o->selectors.size() == 1 && std::ranges::any_of(keys, [&](const dkim::PrivateKey& k) {
          return k.public_key_der() != keys.front().public_key_der();
        })) {
      throw CliError(
          "the --key files hold different keys: give one --selector per --key, in "
          "--key order (s= names one key record)");
    }
    std::vector<dkim::SignerConfig> configs;
    for (std::size_t i = 0; i < o->keys.size(); ++i) {
      dkim::SignerConfig cfg;
      cfg.key = keys[i];
      cfg.domain = without_root_dot(o->domain);
      cfg.selector = o->selectors.size() == 1 ? o->selectors[0] : o->selectors[i];
      if (!o->algorithms.empty()) {
        auto a = dkim::parse_algorithm(o->algorithms[i]);
        if (!a) throw CliError("unknown algorithm " + o->algorithms[i]);
        if (dkim::key_type_of(*a) != keys[i].type()) {
          throw CliError(o->keys[i] + ": " + o->algorithms[i] + " needs " +
                         a_key_of(dkim::key_type_of(*a)) + ", and this is " +
                         a_key_of(keys[i].type()));
        }
        cfg.algorithm = *a;
      }
      cfg.header_canon = *hc;
      cfg.body_canon = *bc;
      if (!o->headers.empty()) cfg.headers = split_list(o->headers);
      if (!o->oversign.empty()) cfg.oversign = split_list(o->oversign);
      if (o->oversign == "none") cfg.oversign.clear();
      cfg.identity = o->identity;
      cfg.body_length = o->body_length;
      std::int64_t t =
          o->timestamp.value_or(std::chrono::duration_cast<std::chrono::seconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count());
      if (t < 0 || t > kMaxUnixTime) {  // t= is 1*12DIGIT (RFC 6376 3.5)
        throw CliError("--timestamp must be 0 to 999999999999");
      }
      cfg.timestamp = t;
      if (o->expire_after) {
        // Checked here, before the sum can overflow; the signer checks the range of both.
        if (*o->expire_after <= 0 || *o->expire_after > kMaxUnixTime) {
          throw CliError("--expire-after must be 1 to 999999999999 seconds");
        }
        cfg.expiration = t + *o->expire_after;
      }
      configs.push_back(std::move(cfg));
    }
    std::string input = read_input(o->input);
    dkim::DkimSigner signer(std::move(configs));
    message::MessageReader reader(&signer);
    auto status = reader.feed(input);
    if (status) status = reader.finish();
    if (!status) throw CliError("message: " + status.reason());
    auto fields = signer.signatures();
    if (!fields) throw CliError(fields.reason());
    std::string out;
    for (const auto& f : *fields) out += f;
    out = in_header_line_ending(out, input);
    // After a leading mbox separator, which the reader skipped and which is no header field.
    const std::size_t separator = message::mbox_separator_length(input);
    std::fwrite(input.data(), 1, separator, stdout);
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fwrite(input.data() + separator, 1, input.size() - separator, stdout);
    std::fflush(stdout);
    state.exit_code = 0;
  });
}

// write() until all of `data` is written (a write may be short); false with errno set.
bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) errno = EIO;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Writes, syncs and closes `fd`; returns 0 or the first errno.
int write_sync_close(int fd, std::string_view data) {
  int err = 0;
  if (::fchmod(fd, 0600) != 0 || !write_all(fd, data) || ::fsync(fd) != 0) err = errno;
  if (::close(fd) != 0 && err == 0) err = errno;
  return err;
}

// Writes a new file, mode 0600. O_EXCL|O_NOFOLLOW: an existing key (or a symlink planted at the
// path) is never overwritten by accident; a lost private key cannot be recovered.
void write_new_secret(const std::string& path, std::string_view secret) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0 && errno == EEXIST) {
    throw CliError(path + " exists: not overwritten (--force replaces it)");
  }
  if (fd < 0) throw CliError(path + ": " + std::strerror(errno));
  if (const int err = write_sync_close(fd, secret); err != 0) {
    ::unlink(path.c_str());  // ours, just created: no half-written key is left behind
    throw CliError(path + ": " + std::strerror(err));
  }
}

// --force: a temporary file in the same directory, synced, then renamed over the target, so a
// failure at any point leaves the old key as it was, and a symlink at the path is replaced
// rather than followed.
void replace_secret(const std::string& path, std::string_view secret) {
  const auto slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash + 1);
  const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  std::string tmp = (slash == std::string::npos ? "" : dir) + "." + base + ".XXXXXX";
  const int fd = ::mkostemp(tmp.data(), O_CLOEXEC);  // mode 0600
  if (fd < 0) throw CliError(path + ": " + std::strerror(errno));
  int err = write_sync_close(fd, secret);
  if (err == 0 && ::rename(tmp.c_str(), path.c_str()) != 0) err = errno;
  if (err != 0) {
    ::unlink(tmp.c_str());
    throw CliError(path + ": " + std::strerror(err));
  }
  // The rename survives a crash only once the directory is synced; the new key is in place
  // either way, so a failure here is not reported.
  if (const int d = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); d >= 0) {
    ::fsync(d);
    ::close(d);
  }
}

void add_keygen(CLI::App& dkim_cmd, CliState& state) {
  struct Options {
    std::string type = "rsa", selector, domain, out;
    int bits = 2048;
    bool force = false;
  };
  auto o = std::make_shared<Options>();
  auto* c =
      dkim_cmd.add_subcommand("keygen", "Generate a signing key; print the TXT record to publish");
  c->add_option("--type", o->type, "rsa or ed25519")->check(CLI::IsMember({"rsa", "ed25519"}));
  // Range-checked in the callback: a parse-time check would answer "--bits 512" with an Ed25519
  // key by a range the option does not have for that type.
  auto* bits = c->add_option("--bits", o->bits, "RSA key size, 1024 to 8192 (default 2048)");
  c->add_option("--selector", o->selector, "Selector")->required();
  c->add_option("--domain", o->domain, "Domain")->required();
  c->add_option("--out", o->out, "Private key file to write (mode 0600); must not exist")
      ->required();
  c->add_flag("--force", o->force, "Replace an existing --out file (atomically, by rename)");
  c->callback([o, &state, bits] {
    if (o->type == "ed25519" && bits->count() > 0) {
      throw CliError("--bits is for RSA keys: an Ed25519 key has one size");
    }
    if (o->bits < 1024 || o->bits > 8192) throw CliError("--bits must be 1024 to 8192");
    // The record is published under A-labels, whichever form the names were given in.
    const auto selector = dkim::dns_name_in_a_labels(o->selector);
    if (!selector) throw CliError("invalid selector " + o->selector);
    const auto domain = dkim::dns_name_in_a_labels(without_root_dot(o->domain));
    if (!domain) throw CliError("invalid domain " + o->domain);
    auto type = o->type == "rsa" ? dkim::KeyType::rsa : dkim::KeyType::ed25519;
    auto key = dkim::PrivateKey::generate(type, o->bits);
    if (!key) throw CliError(key.reason());
    std::string pem = key->to_pem();
    if (o->force) {
      replace_secret(o->out, pem);
    } else {
      write_new_secret(o->out, pem);
    }
    std::string record = dkim::format_key_record(type, key->public_key_der());
    std::string line = *selector + "._domainkey." + *domain + ". IN TXT (";
    for (const auto& s : dkim::split_txt_strings(record)) line += "\n  \"" + s + "\"";
    std::cout << line << " )\n";
    state.exit_code = 0;
  });
}

CommandRegistration reg("dkim", [](CLI::App& app, CliState& state) {
  auto* c = app.add_subcommand("dkim", "DKIM: verify, sign, generate keys (RFC 6376, 8301, 8463)");
  c->require_subcommand(1);
  add_verify(*c, state);
  add_sign(*c, state);
  add_keygen(*c, state);
});

}  // namespace
}  // namespace senderauth::cli
