#include "cli_runner.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace senderauth::testing {

CliRun run_cli(const std::string& arguments) {
  static int counter = 0;
  const auto err_path =
      std::filesystem::temp_directory_path() /
      ("senderauth-cli-" + std::to_string(::getpid()) + "-" + std::to_string(++counter) + ".err");
  const std::string command =
      std::string(SENDERAUTH_CLI_PATH) + " " + arguments + " 2>" + err_path.string();
  CliRun run;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return run;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) run.out.append(buffer, n);
  const int status = ::pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream err(err_path, std::ios::binary);
  std::ostringstream text;
  text << err.rdbuf();
  run.err = text.str();
  std::filesystem::remove(err_path);
  return run;
}

}  // namespace senderauth::testing
