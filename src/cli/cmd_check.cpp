// senderauth check --ip IP --helo NAME [--mail-from ADDR] [--rcpt ADDR]... [--auth-user USER]
//                  [--authserv-id ID] [--zone FILE | --server IP[@PORT]] [--now UNIXTIME]
//                  [local-policy options, see --help and the README] [--json] MESSAGE
//
// One message through every check (iprev, HELO, SPF, DKIM, ARC, DMARC) and the local policy.
// Prints the header fields to add and the verdict. Exit status 0 whatever the verdict (the
// verdict is the output); 2 for usage errors and unreadable files.
#include <unistd.h>

#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cli/command_registry.hpp"
#include "cli/input_file.hpp"
#include "cli/json_output.hpp"
#include "cli/partial_body_option.hpp"
#include "cli/resolver_options.hpp"
#include "cli/terminal_text.hpp"
#include "cli/unix_time.hpp"
#include "senderauth/arc/forwarder_override.hpp"
#include "senderauth/authres/format.hpp"
#include "senderauth/core/domain_name.hpp"
#include "senderauth/core/idna.hpp"
#include "senderauth/core/ip_address.hpp"
#include "senderauth/dmarc/public_suffix_list.hpp"
#include "senderauth/dns/run_sync.hpp"
#include "senderauth/pipeline/authenticator.hpp"

namespace senderauth::cli {
namespace {

// The message in 64 KiB chunks, as a milter receives it: the body is never held whole, and the
// envelope checks' DNS queries are under way while the file is read.
asio::awaitable<pipeline::Verdict> check_stream(const pipeline::Authenticator& authenticator,
                                                pipeline::Envelope envelope, ChunkedInput& input) {
  pipeline::MessageCheck check(authenticator, std::move(envelope));
  co_await check.start_envelope_checks();
  const auto executor = co_await asio::this_coro::executor;
  for (std::string_view chunk = input.next(); !chunk.empty(); chunk = input.next()) {
    check.feed(chunk);
    co_await asio::post(executor, asio::use_awaitable);  // lets the envelope checks run
  }
  co_return co_await check.finish();
}

struct CheckCommand {
  std::string ip;
  std::string helo;
  std::string mail_from;
  std::vector<std::string> rcpt;
  std::string auth_user;
  std::optional<std::string> authserv_id;
  std::vector<std::string> trusted_networks;
  std::vector<std::string> trusted_sealers;
  std::vector<std::string> our_names;
  std::vector<std::string> our_addresses;
  std::int64_t now = 0;
  bool observe_only = false;
  bool reject_spf_fail = false;
  bool spf_count_mx_host_voids = false;
  bool tempfail_on_dmarc_temperror = false;
  bool tempfail_on_internal_error = false;
  bool multiple_from_evaluate_each = false;
  bool accept_unusable_from = false;
  PartialBodyOption partial_body;
  bool accept_unsigned_duplicates = false;
  std::vector<std::string> dmarc_ignore;
  std::string psl_path;
  bool json = false;
  std::string message_file;
  ResolverOptions resolver;
};

std::string host_name() {
  char buffer[256] = {};
  if (gethostname(buffer, sizeof buffer - 1) != 0 || buffer[0] == '\0') return "localhost";
  return buffer;
}

// --authserv-id, else the host name. It goes into every field we add: anything but a token
// (RFC 8601 2.2; authres::check_authserv_id) is a usage error, never a broken field.
std::string checked_authserv_id(const std::optional<std::string>& option) {
  const std::string id = option ? *option : host_name();
  auto valid = authres::check_authserv_id(id);
  if (valid) return id;
  if (!option) {
    throw CliError("the host name is not a usable authserv-id (" + valid.reason() +
                   "); give --authserv-id");
  }
  throw CliError("--authserv-id: not a token (RFC 8601 2.2; in practice a host name): " +
                 valid.reason());
}

// A HELO in U-labels is compared as its A-labels: so is an --our-name given in U-labels (as an
// administrator writes the name), or it could never match. A name that cannot be converted, or
// is not a host name as a HELO must be (a typo, an address literal meant for --our-address), is
// refused rather than kept as a name no HELO matches.
std::string our_name(const std::string& name) {
  auto converted = domain_to_a_labels(name);
  if (!converted) {
    throw CliError("--our-name: not a domain name in U-labels or A-labels: " + converted.reason());
  }
  auto host = parse_domain(*converted, DomainSyntax{.allow_underscore = false, .ldh_only = true});
  if (!host) {
    throw CliError(
        "--our-name: not a host name (letters, digits, hyphens; an address goes to "
        "--our-address): " +
        host.reason());
  }
  return std::move(*host);
}

nlohmann::json verdict_json(const pipeline::Verdict& v) {
  nlohmann::json doc;
  doc["action"] = pipeline::to_string(v.action);
  doc["reason"] = v.reason;
  doc["reply"] = {{"code", v.reply.code}, {"enhanced", v.reply.enhanced}, {"text", v.reply.text}};
  doc["skipped"] = v.skipped;
  doc["iprev"] = nullptr;
  if (v.iprev) {
    doc["iprev"] = {{"result", iprev::to_string(v.iprev->status)},
                    {"verified_name", text_or_null(v.iprev->verified_name)},
                    {"ptr_names", v.iprev->ptr_names},
                    {"reason", text_or_null(v.iprev->reason)}};
  }
  doc["helo"] = nullptr;
  if (v.helo) {
    nlohmann::json addresses = nlohmann::json::array();
    for (const auto& a : v.helo->addresses) addresses.push_back(a.to_string());
    doc["helo"] = {{"name", v.helo->helo},
                   {"syntax", iprev::to_string(v.helo->syntax)},
                   {"problem", text_or_null(v.helo->problem)},
                   {"address_match", iprev::to_string(v.helo->match)},
                   {"addresses", addresses},
                   {"loop", v.helo->loop},
                   {"loop_reason", text_or_null(v.helo->loop_reason)},
                   {"summary", v.helo->summary()}};
  }
  doc["spf"] = {{"mailfrom", v.spf_mailfrom ? spf_result_json(*v.spf_mailfrom) : nlohmann::json()},
                {"helo", v.spf_helo ? spf_result_json(*v.spf_helo) : nlohmann::json()}};
  doc["dkim"] = nlohmann::json::array();
  for (const auto& d : v.dkim) {
    doc["dkim"].push_back({{"result", dkim::to_string(d.status)},
                           {"domain", d.domain},
                           {"selector", d.selector},
                           {"algorithm", d.algorithm},
                           {"identity", d.identity},
                           {"reason", text_or_null(d.reason)}});
  }
  doc["arc"] = nullptr;
  if (v.arc) {
    doc["arc"] = {{"result", arc::to_string(v.arc->status)},
                  {"instances", v.arc->instances},
                  {"oldest_pass", v.arc->oldest_pass},
                  {"chain", v.arc->sealing_domains()},
                  {"reason", text_or_null(v.arc->reason)},
                  {"unsigned_duplicates", text_or_null(v.arc->unsigned_duplicates)}};
  }
  doc["dmarc"] = nullptr;
  if (v.dmarc) {
    const auto& d = *v.dmarc;
    doc["dmarc"] = {
        {"result", dmarc::to_string(d.status)},
        {"from_domain", text_or_null(d.from_domain)},
        {"policy_domain", text_or_null(d.policy_domain)},
        {"org_domain", text_or_null(d.org_domain)},
        {"record", text_or_null(d.record_text)},
        {"policy", d.policy ? nlohmann::json(dmarc::to_string(*d.policy)) : nlohmann::json()},
        {"disposition", dmarc::to_string(d.disposition)},
        {"aligned_temperror", d.aligned_temperror},
        {"spf_aligned", d.spf_aligned},
        {"dkim_aligned", d.dkim_aligned},
        {"from_problem", d.from_problem == dmarc::FromProblem::none
                             ? nlohmann::json()
                             : nlohmann::json(dmarc::to_string(d.from_problem))},
        {"reason", text_or_null(d.reason)}};
  }
  doc["arc_override"] = nullptr;
  if (v.arc_override.applies) {
    doc["arc_override"] = {{"reason_type", v.arc_override.reason_type},
                           {"trusted_sealer", v.arc_override.trusted_sealer},
                           {"comment", v.arc_override.comment}};
  }
  // A trusted forwarder sealed the passing chain but did not vouch for this message: which one,
  // and why, for the site that trusts it.
  doc["arc_override_refused"] = nullptr;
  if (v.arc_override.refused) {
    doc["arc_override_refused"] = {{"trusted_sealer", v.arc_override.trusted_sealer},
                                   {"comment", v.arc_override.comment}};
  }
  doc["headers"] = {{"authentication_results", v.authentication_results},
                    {"received_spf", text_or_null(v.received_spf)}};
  doc["forged_authres_fields"] = v.forged_authres_fields;
  doc["hidden_authres_fields"] = nlohmann::json::array();
  for (const auto& field : v.hidden_authres_fields) {
    doc["hidden_authres_fields"].push_back({{"index", field.index}, {"name", field.name}});
  }
  return doc;
}

// Header fields as they would be written, with LF line ends for a terminal.
std::string for_terminal(std::string field) {
  std::string out;
  for (char c : field) {
    if (c != '\r') out.push_back(c);
  }
  return out;
}

void print_text(const pipeline::Verdict& v) {
  std::fputs(for_terminal(v.authentication_results).c_str(), stdout);
  if (!v.received_spf.empty()) std::fputs(for_terminal(v.received_spf).c_str(), stdout);
  std::printf("verdict: %s", std::string(pipeline::to_string(v.action)).c_str());
  if (v.action == pipeline::Action::reject || v.action == pipeline::Action::tempfail) {
    std::printf(" %s %s %s", v.reply.code.c_str(), v.reply.enhanced.c_str(), v.reply.text.c_str());
  }
  std::printf("\nreason: %s\n", terminal_text(v.reason).c_str());
  for (std::size_t index : v.forged_authres_fields) {
    std::printf("forged Authentication-Results field #%zu (our authserv-id): remove it\n",
                index + 1);
  }
  for (const auto& field : v.hidden_authres_fields) {
    std::printf(
        "forged Authentication-Results field (our authserv-id) hidden after a bare CR in %s "
        "field #%zu: remove that field\n",
        field.name.c_str(), field.index + 1);
  }
}

int run(const CheckCommand& command) {
  auto ip = IpAddress::parse(command.ip);
  if (!ip) throw CliError("--ip: '" + command.ip + "' is not an IP address");
  pipeline::LocalPolicy policy;
  policy.authserv_id = checked_authserv_id(command.authserv_id);
  for (const auto& text : command.trusted_networks) {
    auto network = IpNetwork::parse(text);
    if (!network) throw CliError("--trusted-network: '" + text + "': " + network.reason());
    policy.trusted_networks.push_back(*network);
  }
  for (const auto& entry : command.trusted_sealers) {
    if (auto valid = arc::check_trusted_sealer(entry); !valid) {
      throw CliError("--trusted-sealer: " + valid.reason());
    }
  }
  policy.trusted_arc_sealers = command.trusted_sealers;
  policy.enforce_dmarc_reject = !command.observe_only;
  policy.enforce_dmarc_quarantine = !command.observe_only;
  policy.reject_spf_fail = command.reject_spf_fail;
  policy.spf.count_mx_host_voids = command.spf_count_mx_host_voids;
  policy.tempfail_on_dmarc_temperror = command.tempfail_on_dmarc_temperror;
  policy.tempfail_on_internal_error = command.tempfail_on_internal_error;
  policy.dmarc_ignore_domains = command.dmarc_ignore;
  policy.reject_unusable_from = !command.accept_unusable_from;
  policy.dkim.partial_body = command.partial_body.rule();
  policy.dkim.refuse_unsigned_duplicates = !command.accept_unsigned_duplicates;
  if (command.multiple_from_evaluate_each) {
    policy.dmarc.multiple_from = message::MultipleFromPolicy::evaluate_each;
  }
  if (!command.psl_path.empty()) {
    auto psl = dmarc::PublicSuffixList::load(command.psl_path);
    if (!psl) throw CliError("--psl: " + psl.reason());
    policy.dmarc.discovery.method = dmarc::OrgDomainMethod::public_suffix_list;
    policy.dmarc.discovery.psl = *psl;
  }
  for (const auto& name : command.our_names) policy.helo.own_names.push_back(our_name(name));
  policy.helo.own_names.push_back(policy.authserv_id);
  for (const auto& text : command.our_addresses) {
    auto address = IpAddress::parse(text);
    if (!address) throw CliError("--our-address: '" + text + "' is not an IP address");
    policy.helo.own_addresses.push_back(*address);
  }
  if (command.now != 0) {
    policy.dkim.now = command.now;
    policy.arc.now = command.now;
    policy.spf.timestamp = command.now;
  }

  pipeline::Envelope envelope;
  envelope.client_ip = *ip;
  envelope.helo = command.helo;
  envelope.mail_from = command.mail_from;
  envelope.rcpt_to = command.rcpt;
  envelope.authenticated_user = command.auth_user;

  ChunkedInput input(command.message_file);  // an unreadable path fails before any check
  asio::io_context io;
  auto resolver = command.resolver.make(io);
  pipeline::Authenticator authenticator(*resolver, policy);
  pipeline::Verdict verdict =
      dns::run_sync(io, check_stream(authenticator, std::move(envelope), input));
  if (command.json) {
    std::printf("%s\n", verdict_json(verdict)
                            .dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
                            .c_str());
  } else {
    print_text(verdict);
  }
  std::fflush(stdout);
  return 0;
}

CommandRegistration registration("check", [](CLI::App& app, CliState& state) {
  auto command = std::make_shared<CheckCommand>();
  auto* sub = app.add_subcommand(
      "check", "Authenticate one message: iprev, HELO, SPF, DKIM, ARC, DMARC and a verdict");
  sub->add_option("--ip", command->ip, "SMTP client IP address")->required();
  sub->add_option("--helo", command->helo, "HELO/EHLO name the client gave")->required();
  sub->add_option("--mail-from", command->mail_from,
                  "MAIL FROM address (empty or absent: the null sender)");
  sub->add_option("--rcpt", command->rcpt, "RCPT TO address (repeatable)")->allow_extra_args(false);
  sub->add_option("--auth-user", command->auth_user,
                  "SMTP AUTH user: authenticated senders are not checked");
  sub->add_option("--authserv-id", command->authserv_id,
                  "Our name in Authentication-Results: a host name or other token (default: the "
                  "host name)");
  sub->add_option("--trusted-network", command->trusted_networks,
                  "Client network whose mail is not checked, e.g. 192.0.2.0/24 (repeatable)")
      ->allow_extra_args(false);
  sub->add_option("--trusted-sealer", command->trusted_sealers,
                  "ARC sealing domain trusted to override a DMARC failure (repeatable)")
      ->allow_extra_args(false);
  sub->add_option("--our-name", command->our_names,
                  "A name of this host: a HELO using it is a loop (repeatable)")
      ->allow_extra_args(false);
  sub->add_option("--our-address", command->our_addresses,
                  "An address of this host: a HELO [address literal] naming it is a loop "
                  "(repeatable)")
      ->allow_extra_args(false);
  sub->add_option("--now", command->now, "Unix time to check signatures at (default: now)")
      ->check(unix_time());
  sub->add_flag("--observe-only", command->observe_only,
                "Report DMARC policies but never reject or quarantine for them");
  sub->add_flag("--reject-spf-fail", command->reject_spf_fail,
                "Reject (550 5.7.23) on SPF fail for MAIL FROM unless DMARC passed");
  sub->add_flag("--spf-count-mx-host-voids", command->spf_count_mx_host_voids,
                "SPF: also count each MX host without an address as a void lookup (as pyspf)");
  sub->add_flag("--tempfail-on-dmarc-temperror", command->tempfail_on_dmarc_temperror,
                "Tempfail (451 4.4.3) when DNS trouble leaves DMARC undecided (default: accept)");
  sub->add_flag("--tempfail-on-internal-error", command->tempfail_on_internal_error,
                "Tempfail (451 4.3.0) instead of accepting when a check fails internally");
  sub->add_option("--dmarc-ignore", command->dmarc_ignore,
                  "Author domain whose DMARC policy is not evaluated (repeatable)")
      ->allow_extra_args(false);
  sub->add_flag("--multiple-from-evaluate-each", command->multiple_from_evaluate_each,
                "Several From authors: evaluate each and apply the strictest (default: DMARC "
                "permerror and reject, as OpenDMARC's RejectMultiValueFrom)");
  command->partial_body.add_to(*sub);
  sub->add_flag("--accept-unsigned-duplicates", command->accept_unsigned_duplicates,
                "A DKIM signature covering a Subject, From, Date, Content-Type... that has an "
                "unsigned second copy of another value still passes (default: policy, RFC 6376 "
                "8.15)");
  sub->add_flag("--accept-unusable-from", command->accept_unusable_from,
                "A missing or unparseable From field is only recorded as dmarc=permerror "
                "(default: reject, as OpenDMARC's RequiredHeaders)");
  sub->add_option("--psl", command->psl_path,
                  "Find organisational domains with this Public Suffix List (RFC 7489) instead "
                  "of the RFC 9989 DNS tree walk, e.g. " +
                      std::string(dmarc::kDefaultPublicSuffixList));
  sub->add_flag("--json", command->json, "Print the verdict as one JSON object");
  // Repeatable options take one value each, so "--rcpt a@example.org MESSAGE" leaves MESSAGE
  // alone.
  sub->add_option("MESSAGE", command->message_file, "The message file (- for stdin)")->required();
  command->resolver.add_to(*sub);
  sub->callback([command, &state] { state.exit_code = run(*command); });
});

}  // namespace
}  // namespace senderauth::cli
