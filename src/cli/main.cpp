#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <exception>

#include "cli/command_registry.hpp"

int main(int argc, char** argv) {
  using senderauth::cli::CliState;
  CLI::App app{"senderauth: email sender authentication (SPF, DKIM, ARC, DMARC, iprev)"};
  app.set_version_flag("--version", std::string("senderauth ") + SENDERAUTH_VERSION);
  app.require_subcommand(1);
  CliState state;
  auto& registry = senderauth::cli::command_registry();
  std::sort(registry.begin(), registry.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [name, add] : registry) add(app, state);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // One clear line rather than CLI11's usage dump.
    std::fprintf(stderr, "senderauth: %s (see --help)\n", e.what());
    return 2;
  } catch (const senderauth::cli::CliError& e) {
    std::fprintf(stderr, "senderauth: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "senderauth: internal error: %s\n", e.what());
    return 70;
  }
  return state.exit_code;
}
