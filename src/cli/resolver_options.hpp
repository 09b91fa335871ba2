// The --zone FILE | --server IP@PORT options shared by every subcommand that queries DNS.
#pragma once

#include <CLI/CLI.hpp>
#include <asio/io_context.hpp>
#include <memory>
#include <string>

#include "senderauth/dns/resolver.hpp"

namespace senderauth::cli {

struct ResolverOptions {
  std::string zone_file;  // in-memory zone: master file, SPF YAML zonedata or DKIM name-value
  std::string server;     // "IP@PORT" forwarder for libunbound
  int timeout_ms = 5000;

  void add_to(CLI::App& command);
  // Builds the resolver the options describe; throws CliError on a bad file or server.
  std::unique_ptr<dns::Resolver> make(asio::io_context& io) const;
};

}  // namespace senderauth::cli
