// senderauth arc verify | seal
#include <asio/io_context.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli/command_registry.hpp"
#include "cli/input_file.hpp"
#include "cli/json_output.hpp"
#include "cli/resolver_options.hpp"
#include "cli/terminal_text.hpp"
#include "cli/unix_time.hpp"
#include "senderauth/arc/sealer.hpp"
#include "senderauth/arc/verifier.hpp"
#include "senderauth/dns/run_sync.hpp"
#include "senderauth/message/message_reader.hpp"
#include "senderauth/pipeline/authres_clauses.hpp"

namespace senderauth::cli {
namespace {

// Streams a file through the reader into the verifier: the body is hashed, never held whole.
arc::ArcResult verify_file(const std::string& path, dns::Resolver& resolver, asio::io_context& io,
                           const arc::VerifyOptions& options) {
  arc::ArcVerifier verifier(options);
  message::MessageReader reader(&verifier);
  const Result<void> status = stream_input(path, reader);
  if (!status) {
    arc::ArcResult failed;
    failed.status = arc::ChainStatus::fail;
    failed.reason = "message could not be read: " + status.reason();
    return failed;
  }
  return dns::run_sync(io, verifier.finish(resolver));
}

nlohmann::json optional_bool(const std::optional<bool>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json json_result(const arc::ArcResult& r, const std::optional<IpAddress>& ip) {
  nlohmann::json sets = nlohmann::json::array();
  for (const auto& s : r.sets) {
    sets.push_back({{"instance", s.instance},
                    {"cv", std::string(arc::to_string(s.seal_cv))},
                    {"seal_domain", s.seal_domain},
                    {"seal_selector", s.seal_selector},
                    {"ams_domain", s.ams_domain},
                    {"ams_selector", s.ams_selector},
                    {"authserv_id", s.authserv_id},
                    {"ams_valid", optional_bool(s.ams_valid)},
                    {"seal_valid", optional_bool(s.seal_valid)},
                    {"ams_reason", s.ams_reason},
                    {"seal_reason", s.seal_reason},
                    {"unsigned_body", text_or_null(s.unsigned_body)},
                    {"partial_body_risk", text_or_null(s.partial_body_risk)},
                    {"unsigned_duplicates", text_or_null(s.unsigned_duplicates)}});
  }
  return {{"result", std::string(arc::to_string(r.status))},
          {"reason", r.reason},
          {"instances", r.instances},
          {"oldest_pass", r.oldest_pass},
          {"chain", r.sealing_domains()},
          {"sets", sets},
          {"unsigned_duplicates", text_or_null(r.unsigned_duplicates)},
          {"authentication_results", pipeline::clause_text(pipeline::arc_clause(r, ip))}};
}

std::string set_line(const arc::ArcSetReport& s) {
  auto verdict = [](const std::optional<bool>& v) {
    return v ? (*v ? "pass" : "fail") : "unchecked";
  };
  std::string line = "  i=" + std::to_string(s.instance) +
                     " cv=" + std::string(arc::to_string(s.seal_cv)) + " seal=" + s.seal_domain +
                     "/" + s.seal_selector + ":" + verdict(s.seal_valid) + " ams=" + s.ams_domain +
                     "/" + s.ams_selector + ":" + verdict(s.ams_valid) + " aar=" + s.authserv_id;
  if (!s.seal_reason.empty()) line += " (" + s.seal_reason + ")";
  if (!s.ams_reason.empty()) line += " (" + s.ams_reason + ")";
  if (!s.unsigned_duplicates.empty()) line += " (" + s.unsigned_duplicates + ")";
  if (!s.unsigned_body.empty()) {
    line += " (" + s.unsigned_body;
    if (!s.partial_body_risk.empty()) line += " and " + s.partial_body_risk;
    line += ")";
  }
  return terminal_text(line);  // the sets' tags are the message's text
}

void add_verify(CLI::App& arc_cmd, CliState& state) {
  struct Options {
    ResolverOptions resolver;
    std::optional<std::int64_t> now;
    std::string remote_ip;
    bool json = false;
    std::vector<std::string> messages;
  };
  auto o = std::make_shared<Options>();
  auto* c = arc_cmd.add_subcommand("verify", "Validate the ARC chain of messages (RFC 8617 5.2)");
  o->resolver.add_to(*c);
  c->add_option("--now", o->now, "Validate at this Unix time (AMS x=)")->check(unix_time());
  c->add_option("--remote-ip", o->remote_ip, "Connecting IP for smtp.remote-ip in the A-R clause");
  c->add_flag("--json", o->json, "One JSON object per message");
  c->add_option("MESSAGE", o->messages, "Message files (- for standard input)")->required();
  c->callback([o, &state] {
    std::optional<IpAddress> ip;
    if (!o->remote_ip.empty()) {
      auto parsed = IpAddress::parse(o->remote_ip);
      if (!parsed) throw CliError("--remote-ip: '" + o->remote_ip + "' is not an IP address");
      ip = *parsed;
    }
    asio::io_context io;
    auto resolver = o->resolver.make(io);
    arc::VerifyOptions options;
    options.now = o->now;
    for (const auto& path : o->messages) {
      auto result = verify_file(path, *resolver, io, options);
      if (o->json) {
        nlohmann::json out = json_result(result, ip);
        out["message"] = path;
        std::cout << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
        continue;
      }
      std::string suffix = o->messages.size() > 1 ? " message=" + path : "";
      std::cout << pipeline::clause_text(pipeline::arc_clause(result, ip)) << suffix << "\n";
      if (result.status != arc::ChainStatus::none)
        std::cout << "  reason: " << terminal_text(result.reason) << "\n";
      for (const auto& s : result.sets) std::cout << set_line(s) << "\n";
    }
    std::cout.flush();
    state.exit_code = 0;
  });
}

std::vector<std::string> split_names(const std::string& text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    auto colon = text.find_first_of(":,", pos);
    std::string item =
        text.substr(pos, colon == std::string::npos ? std::string::npos : colon - pos);
    if (!item.empty()) out.push_back(item);
    if (colon == std::string::npos) break;
    pos = colon + 1;
  }
  return out;
}

// --cv pass vouches for the chain the message carries: validate it first (RFC 8617 5.2, at the
// seal's time), since the sealer itself checks only its structure and cv= values.
void check_chain_passes(const std::string& message, const ResolverOptions& resolver_options,
                        std::optional<std::int64_t> at) {
  asio::io_context io;
  auto resolver = resolver_options.make(io);
  arc::VerifyOptions options;
  options.now = at;
  options.compute_oldest_pass = false;  // only the verdict matters here
  const arc::ArcResult chain = dns::run_sync(io, arc::verify_arc(message, *resolver, options));
  if (chain.status == arc::ChainStatus::fail) {
    throw CliError("--cv pass but the ARC chain validates as fail: " + chain.reason);
  }
}

void add_seal(CLI::App& arc_cmd, CliState& state) {
  struct Options {
    ResolverOptions resolver;
    std::string key, domain, selector, authserv_id, headers, cv, results, input = "-";
    std::optional<std::int64_t> timestamp;
  };
  auto o = std::make_shared<Options>();
  auto* c = arc_cmd.add_subcommand(
      "seal", "Add an ARC set to a message (standard input to standard output)");
  c->add_option("--key", o->key, "PEM private key (RSA or Ed25519), or a base64 Ed25519 seed")
      ->required();
  c->add_option("--domain", o->domain, "Sealing domain (d=)")->required();
  c->add_option("--selector", o->selector, "Selector (s=)")->required();
  c->add_option("--authserv-id", o->authserv_id,
                "Our authserv-id: its Authentication-Results go into the AAR")
      ->required();
  c->add_option("--headers", o->headers, "Colon-separated header names for the AMS h=");
  c->add_option("--cv", o->cv, "none|pass|fail (default: our A-R's arc= result)");
  c->add_option("--results", o->results,
                "AAR results to use instead of our Authentication-Results fields");
  c->add_option("--timestamp", o->timestamp, "t= (default: now)")->check(unix_time());
  c->add_option("--in", o->input, "Read the message from this file instead of standard input");
  o->resolver.add_to(*c);  // for --cv pass, which validates the chain first
  c->callback([o, &state] {
    auto key = dkim::PrivateKey::from_key_file(read_input(o->key));
    if (!key) throw CliError(o->key + ": " + key.reason());
    arc::SealOptions options;
    options.key = *key;
    options.domain = o->domain;
    options.selector = o->selector;
    options.authserv_id = o->authserv_id;
    options.headers = split_names(o->headers);
    options.timestamp = o->timestamp;
    if (!o->cv.empty()) {
      auto cv = arc::parse_chain_status(o->cv);
      if (!cv) throw CliError("--cv must be none, pass or fail");
      options.chain_status = *cv;
    }
    if (!o->results.empty()) options.auth_results = o->results;
    std::string message = read_input(o->input);
    if (options.chain_status == arc::ChainStatus::pass) {
      check_chain_passes(message, o->resolver, options.timestamp);
    }
    auto sealed = arc::seal_message(message, options);
    if (!sealed) throw CliError(sealed.reason());
    if (!sealed->sealed) std::cerr << "senderauth: no ARC set added: " << sealed->reason << "\n";
    // After a leading mbox separator, which the reader skipped and which is no header field.
    const std::size_t separator = message::mbox_separator_length(message);
    const std::string_view whole(message);
    std::cout << whole.substr(0, separator) << in_header_line_ending(sealed->fields(), message)
              << whole.substr(separator);
    std::cout.flush();
    state.exit_code = sealed->sealed ? 0 : 1;
  });
}

CommandRegistration reg("arc", [](CLI::App& app, CliState& state) {
  auto* arc_cmd = app.add_subcommand("arc", "ARC (RFC 8617): validate or add ARC sets");
  arc_cmd->require_subcommand(1);
  add_verify(*arc_cmd, state);
  add_seal(*arc_cmd, state);
});

}  // namespace
}  // namespace senderauth::cli
