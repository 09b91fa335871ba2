#include "support/peer.hpp"

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "support/scratch_dir.hpp"

namespace senderauth::testing {

std::string run_shell(const std::string& cmd) {
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  std::string out;
  if (!p) return out;
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

bool command_succeeds(const std::string& cmd) {
  const int st = std::system((cmd + " >/dev/null 2>&1").c_str());
  return st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

bool have_dkimpy_arc() {
  static const bool ok = command_succeeds(std::string(kPython) + " -c 'import dkim, authres'");
  return ok;
}

void expect_differential_agrees(std::string_view script, std::initializer_list<int> seeds,
                                int count, std::string_view mode, std::string_view agreed) {
  ScratchDir dir;
  for (int seed : seeds) {
    const std::string out = run_shell(
        std::string(kPython) + " " + SENDERAUTH_SOURCE_DIR + "/" + std::string(script) + " " +
        SENDERAUTH_CLI_PATH + " " + dir.path().string() + " " + std::to_string(seed) + " " +
        std::to_string(count) + " " + std::string(mode) + "; echo exit=$?");
    EXPECT_TRUE(out.ends_with("exit=0\n")) << "seed " << seed << ":\n" << out;
    EXPECT_NE(out.find(agreed), std::string::npos) << "seed " << seed << ":\n" << out;
  }
}

}  // namespace senderauth::testing
