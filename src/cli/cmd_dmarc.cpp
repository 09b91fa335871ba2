// senderauth dmarc record DOMAIN [--zone FILE | --server IP[@PORT]] [--psl FILE] [--json]
//
// Discovers the DMARC policy record that governs DOMAIN (RFC 9989 tree walk, or RFC 7489 with
// the Public Suffix List when --psl is given) and its organisational domain.
// Exit status: 0 a record was found, 1 none (or a broken record, or a DNS failure: the status
// says which), 2 usage errors.
#include <asio/io_context.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/command_registry.hpp"
#include "cli/resolver_options.hpp"
#include "cli/terminal_text.hpp"
#include "senderauth/core/idna.hpp"
#include "senderauth/dmarc/discovery.hpp"
#include "senderauth/dns/run_sync.hpp"
#include "senderauth/message/address.hpp"

namespace senderauth::cli {
namespace {

struct DmarcRecordCommand {
  std::string domain;
  std::string psl_path;
  bool json = false;
  ResolverOptions resolver;
};

std::string_view status_name(dmarc::PolicyDiscovery::Status s) {
  switch (s) {
    case dmarc::PolicyDiscovery::Status::found:
      return "found";
    case dmarc::PolicyDiscovery::Status::none:
      return "none";
    case dmarc::PolicyDiscovery::Status::temperror:
      return "temperror";
    case dmarc::PolicyDiscovery::Status::permerror:
      return "permerror";
  }
  return "none";
}

nlohmann::json uris_json(const std::vector<dmarc::ReportUri>& uris) {
  auto out = nlohmann::json::array();
  for (const auto& u : uris) {
    out.push_back({{"uri", u.uri},
                   {"max_size", u.max_size ? nlohmann::json(*u.max_size) : nlohmann::json()}});
  }
  return out;
}

nlohmann::json record_json(const dmarc::DmarcRecord& r) {
  const auto opt_policy = [](const std::optional<dmarc::Policy>& p) {
    return p ? nlohmann::json(dmarc::to_string(*p)) : nlohmann::json();
  };
  return {
      {"p", opt_policy(r.p)},
      {"sp", opt_policy(r.sp)},
      {"np", opt_policy(r.np)},
      {"effective",
       {{"p", dmarc::to_string(r.domain_policy())},
        {"sp", dmarc::to_string(r.subdomain_policy())},
        {"np", dmarc::to_string(r.nonexistent_policy())}}},
      {"adkim", dmarc::to_string(r.adkim)},
      {"aspf", dmarc::to_string(r.aspf)},
      {"psd", dmarc::to_string(r.psd)},
      {"t", r.testing},
      {"fo", r.fo},
      {"rua", uris_json(r.rua)},
      {"ruf", uris_json(r.ruf)},
      {"pct", r.pct ? nlohmann::json(*r.pct) : nlohmann::json()},
      {"rf", r.rf ? nlohmann::json(*r.rf) : nlohmann::json()},
      {"ri", r.ri ? nlohmann::json(*r.ri) : nlohmann::json()},
      {"unknown_tags", r.unknown_tags},
      {"warnings", r.warnings},
  };
}

int run(const DmarcRecordCommand& command) {
  std::string name = command.domain;
  if (!name.empty() && name.back() == '.') name.pop_back();
  auto domain = message::normalize_address_domain(name);
  if (!domain) throw CliError("bad domain '" + command.domain + "': " + domain.reason());
  domain = domain_to_a_labels(*domain);  // RFC 8616: looked up as A-labels, as `check` does
  if (!domain) throw CliError("bad domain '" + command.domain + "': " + domain.reason());

  dmarc::DiscoveryOptions options;
  if (!command.psl_path.empty()) {
    auto psl = dmarc::PublicSuffixList::load(command.psl_path);
    if (!psl) throw CliError(psl.reason());
    options.method = dmarc::OrgDomainMethod::public_suffix_list;
    options.psl = *psl;
  }
  asio::io_context io;
  auto resolver = command.resolver.make(io);
  dmarc::PolicyFinder finder(*resolver, options);
  const auto found = dns::run_sync(io, finder.discover(*domain));
  const auto org = dns::run_sync(io, finder.organizational_domain(*domain));

  if (command.json) {
    nlohmann::json doc = {
        {"domain", *domain},
        {"method", command.psl_path.empty() ? "tree-walk" : "psl"},
        {"status", status_name(found.status)},
        {"reason", found.reason},
        {"policy_domain",
         found.policy_domain.empty() ? nlohmann::json() : nlohmann::json(found.policy_domain)},
        {"org_domain", org.domain},
        {"org_domain_reason", org.reason},
        {"record_text",
         found.record_text.empty() ? nlohmann::json() : nlohmann::json(found.record_text)},
        {"record", found.record ? record_json(*found.record) : nlohmann::json()},
        {"queries", finder.queries()},
    };
    std::printf("%s\n", doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  } else {
    std::printf("domain:        %s\n", domain->c_str());
    std::printf("status:        %s (%s)\n", std::string(status_name(found.status)).c_str(),
                terminal_text(found.reason).c_str());
    if (!found.policy_domain.empty()) {
      std::printf("policy domain: %s\n", found.policy_domain.c_str());
    }
    if (!found.record_text.empty()) {
      std::printf("record:        %s\n", terminal_text(found.record_text).c_str());
    }
    if (found.record) {
      const auto& r = *found.record;
      std::printf("parsed:        %s\n", terminal_text(dmarc::to_string(r)).c_str());
      std::printf("policies:      p=%s sp=%s np=%s\n",
                  std::string(dmarc::to_string(r.domain_policy())).c_str(),
                  std::string(dmarc::to_string(r.subdomain_policy())).c_str(),
                  std::string(dmarc::to_string(r.nonexistent_policy())).c_str());
      for (const auto& w : r.warnings) std::printf("warning:       %s\n", terminal_text(w).c_str());
      for (const auto& t : r.unknown_tags)
        std::printf("ignored tag:   %s\n", terminal_text(t).c_str());
    }
    std::printf("org domain:    %s (%s)\n", org.domain.c_str(), org.reason.c_str());
    for (const auto& q : finder.queries()) std::printf("query:         %s TXT\n", q.c_str());
  }
  std::fflush(stdout);
  return found.status == dmarc::PolicyDiscovery::Status::found ? 0 : 1;
}

CommandRegistration registration("dmarc", [](CLI::App& app, CliState& state) {
  auto* dmarc_cmd = app.add_subcommand("dmarc", "DMARC policy records");
  dmarc_cmd->require_subcommand(1);
  auto command = std::make_shared<DmarcRecordCommand>();
  auto* sub = dmarc_cmd->add_subcommand(
      "record", "Discover the DMARC record governing DOMAIN and its organisational domain");
  sub->add_option("DOMAIN", command->domain, "Author domain (the From: domain)")->required();
  sub->add_option("--psl", command->psl_path,
                  "Use RFC 7489 discovery with this Public Suffix List (.dat or .dafsa), e.g. " +
                      std::string(dmarc::kDefaultPublicSuffixList));
  sub->add_flag("--json", command->json, "Print one JSON object");
  command->resolver.add_to(*sub);
  sub->callback([command, &state] { state.exit_code = run(*command); });
});

}  // namespace
}  // namespace senderauth::cli
