#include "cli/resolver_options.hpp"

#include <chrono>
#include <string>

#include "cli/command_registry.hpp"
#include "senderauth/core/ip_address.hpp"
#include "senderauth/dns/unbound_resolver.hpp"
#include "senderauth/dns/zone_resolver.hpp"

namespace senderauth::cli {

namespace {

// "IP" or "IP@PORT" (libunbound's forwarder syntax); CLI11 wants "" for a valid value.
std::string check_server(const std::string& text) {
  const auto at = text.find('@');
  const std::string address = text.substr(0, at);
  if (!IpAddress::parse(address).ok()) return "'" + address + "' is not an IP address";
  if (at == std::string::npos) return {};
  const std::string port = text.substr(at + 1);
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos || std::stoul(port) == 0 ||
      std::stoul(port) > 65535) {
    return "port '" + port + "' is not 1-65535";
  }
  return {};
}

}  // namespace

void ResolverOptions::add_to(CLI::App& command) {
  auto* zone = command.add_option(
      "--zone", zone_file,
      "Answer DNS from this file (RFC 1035 zone, SPF-suite YAML zonedata, or 'name value' lines)");
  auto* srv = command.add_option("--server", server, "Forward DNS queries to IP[@PORT]")
                  ->check(CLI::Validator(check_server, "IP[@PORT]"));
  zone->excludes(srv);
  command.add_option("--dns-timeout", timeout_ms, "Per-query DNS timeout in milliseconds")
      ->check(CLI::Range(1, 600000));
}

std::unique_ptr<dns::Resolver> ResolverOptions::make(asio::io_context& io) const {
  if (!zone_file.empty()) {
    auto zone = dns::load_zone_resolver(zone_file);
    if (!zone) throw CliError(zone_file + ": " + zone.reason());
    return std::move(zone).value();
  }
  dns::UnboundOptions options;
  if (!server.empty()) options.forwarders.push_back(server);
  options.timeout = std::chrono::milliseconds(timeout_ms);
  auto resolver = dns::UnboundResolver::create(io.get_executor(), options);
  if (!resolver) throw CliError("DNS resolver: " + resolver.reason());
  return std::move(resolver).value();
}

}  // namespace senderauth::cli
