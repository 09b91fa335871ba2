// senderauth spf --ip IP --helo NAME [--mail-from ADDR] [--identity mailfrom|helo]
//                [--zone FILE | --server IP[@PORT]] [--json] [--received-spf] [--receiver NAME]
//
// Exit status 0 whatever the SPF result (the result is the output); 2 for usage errors.
#include <unistd.h>

#include <asio/io_context.hpp>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "cli/command_registry.hpp"
#include "cli/json_output.hpp"
#include "cli/resolver_options.hpp"
#include "senderauth/core/idna.hpp"
#include "senderauth/core/ip_address.hpp"
#include "senderauth/dns/run_sync.hpp"
#include "senderauth/message/header_field.hpp"
#include "senderauth/pipeline/authres_clauses.hpp"
#include "senderauth/spf/received_spf.hpp"
#include "senderauth/spf/spf_evaluator.hpp"

namespace senderauth::cli {
namespace {

struct SpfCommand {
  std::string ip;
  std::string helo;
  std::string mail_from;
  std::string identity = "mailfrom";
  std::string receiver;
  int max_void_lookups = 2;
  bool count_mx_host_voids = false;
  bool json = false;
  bool received_spf = false;
  ResolverOptions resolver;
};

std::string host_name() {
  char buffer[256] = {};
  if (gethostname(buffer, sizeof buffer - 1) != 0 || buffer[0] == '\0') return "localhost";
  return buffer;
}

// A UTF-8 MAIL FROM means an SMTPUTF8 session (RFC 6531): Received-SPF may keep it as UTF-8.
bool is_smtputf8(const SpfCommand& command) {
  return !is_ascii(command.mail_from);
}

// The field on one line, unless that would pass RFC 5322's 998 octets (2.1.1): then folded at
// spaces (`line_ending` and the space after it), so that no line does.
std::string received_spf(const spf::SpfResult& r, const std::string& receiver, bool smtputf8,
                         std::string_view line_ending) {
  return message::fold(spf::format_received_spf(r, receiver, smtputf8), 998, line_ending);
}

// The spf= clause as `check` writes it into Authentication-Results.
std::string authres_clause(const spf::SpfResult& r, bool smtputf8) {
  const auto scope =
      r.identity == spf::SpfIdentity::helo ? authres::SpfScope::helo : authres::SpfScope::mailfrom;
  return pipeline::clause_text(pipeline::spf_clause(r, scope), smtputf8);
}

void print_json(const spf::SpfResult& r, const SpfCommand& command, const std::string& receiver) {
  const bool smtputf8 = is_smtputf8(command);
  nlohmann::json doc = spf_result_json(r);
  doc["identity"] = spf::to_string(r.identity);
  doc["client_ip"] = r.client_ip.to_string();
  doc["helo"] = r.helo;
  doc["dns_queries"] = r.dns_queries;
  doc["authentication_results"] = authres_clause(r, smtputf8);
  if (command.received_spf) doc["received_spf"] = received_spf(r, receiver, smtputf8, "\r\n");
  // Names and explanations come from the network: invalid UTF-8 becomes U+FFFD.
  std::printf("%s\n", doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
}

void print_text(const spf::SpfResult& r, const SpfCommand& command, const std::string& receiver) {
  const bool smtputf8 = is_smtputf8(command);
  // For a terminal: control characters go, well-formed UTF-8 stays.
  auto clean = [](const std::string& text) { return spf::sanitize_header_text(text, 2048, true); };
  std::printf("result: %s\n", std::string(spf::to_string(r.verdict)).c_str());
  std::printf("identity: %s (%s)\n", std::string(spf::to_string(r.identity)).c_str(),
              clean(r.sender).c_str());
  if (!r.mechanism.empty()) std::printf("mechanism: %s\n", clean(r.mechanism).c_str());
  if (!r.explanation.empty()) std::printf("explanation: %s\n", clean(r.explanation).c_str());
  if (!r.problem.empty()) std::printf("problem: %s\n", clean(r.problem).c_str());
  std::printf("dns lookups: %d, void lookups: %d, queries: %d\n", r.dns_lookups, r.void_lookups,
              r.dns_queries);
  std::printf("%s\n", authres_clause(r, smtputf8).c_str());
  if (command.received_spf) {
    std::printf("%s\n", received_spf(r, receiver, smtputf8, "\n").c_str());
  }
}

int run(const SpfCommand& command) {
  auto ip = IpAddress::parse(command.ip);
  if (!ip) throw CliError("--ip: '" + command.ip + "' is not an IP address");
  spf::SpfRequest request;
  request.client_ip = *ip;
  request.helo = command.helo;
  request.mail_from = command.mail_from;
  request.identity =
      command.identity == "helo" ? spf::SpfIdentity::helo : spf::SpfIdentity::mailfrom;
  const std::string receiver = command.receiver.empty() ? host_name() : command.receiver;
  spf::SpfOptions options;
  options.receiver = receiver;
  options.max_void_lookups = command.max_void_lookups;
  options.count_mx_host_voids = command.count_mx_host_voids;

  asio::io_context io;
  auto resolver = command.resolver.make(io);
  spf::SpfResult result = dns::run_sync(io, spf::check_host(*resolver, request, options));
  if (command.json) {
    print_json(result, command, receiver);
  } else {
    print_text(result, command, receiver);
  }
  std::fflush(stdout);
  return 0;
}

CommandRegistration registration("spf", [](CLI::App& app, CliState& state) {
  auto command = std::make_shared<SpfCommand>();
  auto* sub = app.add_subcommand("spf", "Check SPF (RFC 7208) for a client IP, HELO and MAIL FROM");
  sub->add_option("--ip", command->ip, "SMTP client IP address")->required();
  sub->add_option("--helo", command->helo, "HELO/EHLO name the client gave")->required();
  sub->add_option("--mail-from", command->mail_from,
                  "MAIL FROM address (empty or absent: null sender, postmaster@HELO)");
  sub->add_option("--identity", command->identity, "Identity to check: mailfrom (default) or helo")
      ->check(CLI::IsMember({"mailfrom", "helo"}));
  sub->add_option("--receiver", command->receiver,
                  "This host's name for %{r} and Received-SPF (default: the host name)");
  sub->add_option("--max-void-lookups", command->max_void_lookups,
                  "Void lookups allowed before permerror (RFC 7208 4.6.4; default 2)")
      ->check(CLI::Range(0, 100));
  sub->add_flag("--count-mx-host-voids", command->count_mx_host_voids,
                "Also count each MX host without an address as a void lookup (as pyspf does)");
  sub->add_flag("--json", command->json, "Print the result as one JSON object");
  sub->add_flag("--received-spf", command->received_spf, "Also print the Received-SPF header");
  command->resolver.add_to(*sub);
  sub->callback([command, &state] { state.exit_code = run(*command); });
});

}  // namespace
}  // namespace senderauth::cli
