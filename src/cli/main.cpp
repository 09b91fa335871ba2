#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "cli/command_registry.hpp"

namespace {

// The arguments as CLI11's parse(vector) takes them (last first), with "--name=" given as
// "--name" "": CLI11 2.1 reads an empty "=" value as no value and takes the next argument
// instead, so "--mail-from=$SENDER" with an empty (null) sender swallowed the message path.
std::vector<std::string> arguments_for_parse(int argc, char** argv) {
  std::vector<std::string> args;
  bool options_ended = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--") options_ended = true;
    if (!options_ended && arg.size() > 3 && arg.starts_with("--") && arg.back() == '=' &&
        arg.find('=') == arg.size() - 1) {
      args.push_back(arg.substr(0, arg.size() - 1));
      args.emplace_back();
    } else {
      args.push_back(arg);
    }
  }
  std::reverse(args.begin(), args.end());
  return args;
}

}  // namespace

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
    if (argc > 0) app.name(argv[0]);  // as parse(argc, argv) names it, for the usage line
    auto args = arguments_for_parse(argc, argv);
    app.parse(args);
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
