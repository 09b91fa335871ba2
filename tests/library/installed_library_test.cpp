// The library as a program outside this project uses it: installed with `cmake --install`,
// found with find_package(senderauth), and the README's example built and run against it.
// The example is taken from README.md itself, so the README cannot drift from what compiles.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "consumer_build.hpp"
#include "support/conformance.hpp"
#include "support/scratch_dir.hpp"

namespace {

using senderauth::testing::read_file_bytes;
using senderauth::testing::ScratchDir;
namespace fs = std::filesystem;

struct CommandRun {
  int status = -1;
  std::string output;
};

CommandRun run_command(const std::string& cmd) {
  CommandRun r;
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return r;
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
  const int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

std::string quoted(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// The first ```<language> block of the README's "## Library" section.
std::string readme_block(const std::string& language) {
  const std::string readme = read_file_bytes(fs::path(SENDERAUTH_SOURCE_DIR) / "README.md");
  const auto section = readme.find("\n## Library\n");
  if (section == std::string::npos) return {};
  const auto section_end = readme.find("\n## ", section + 1);
  const std::string fence = "\n```" + language + "\n";
  const auto start = readme.find(fence, section);
  if (start == std::string::npos || start > section_end) return {};
  const auto body = start + fence.size();
  const auto end = readme.find("\n```\n", body);
  if (end == std::string::npos || end > section_end) return {};
  return readme.substr(body, end + 1 - body);
}

// Installs this build into `prefix`; returns what went wrong, or "" when it worked.
std::string install_into(const fs::path& prefix) {
  const CommandRun r = run_command(quoted(kCmakeCommand) + " --install " + quoted(kBinaryDir) +
                                   " --prefix " + quoted(prefix.string()));
  return r.status == 0 ? std::string() : r.output;
}

TEST(InstalledLibrary, InstallsTheCommandHeadersAndPackage) {
  ScratchDir dir("senderauth-install");
  const fs::path prefix = dir.path() / "prefix";
  ASSERT_EQ(install_into(prefix), "");

  const CommandRun version =
      run_command(quoted((prefix / "bin" / "senderauth").string()) + " --version");
  EXPECT_EQ(version.status, 0);
  EXPECT_EQ(version.output, "senderauth " SENDERAUTH_VERSION "\n");

  EXPECT_TRUE(fs::exists(prefix / "include" / "senderauth" / "pipeline" / "authenticator.hpp"));
  bool found_config = false;
  for (const auto& e : fs::recursive_directory_iterator(prefix)) {
    found_config |= e.path().filename() == "senderauthConfig.cmake";
  }
  EXPECT_TRUE(found_config);
}

TEST(InstalledLibrary, ReadmeExampleBuildsAgainstTheInstallAndRuns) {
  const std::string cmake_lists = readme_block("cmake");
  const std::string program = readme_block("c++");
  ASSERT_NE(cmake_lists, "") << "README.md: no ```cmake block in the Library section";
  ASSERT_NE(program, "") << "README.md: no ```c++ block in the Library section";
  // The example's project names its source file; it must be the one written here.
  ASSERT_NE(cmake_lists.find("check_demo.cpp"), std::string::npos) << cmake_lists;

  ScratchDir dir("senderauth-consumer");
  const fs::path prefix = dir.path() / "prefix";
  ASSERT_EQ(install_into(prefix), "");
  const fs::path source = dir.path() / "source";
  fs::create_directories(source);
  dir.write("source/CMakeLists.txt", cmake_lists);
  dir.write("source/check_demo.cpp", program);

  const fs::path build = dir.path() / "build";
  std::string configure =
      quoted(kCmakeCommand) + " -S " + quoted(source.string()) + " -B " + quoted(build.string()) +
      " -G Ninja -DCMAKE_MAKE_PROGRAM=" + quoted(kMakeProgram) +
      " -DCMAKE_CXX_COMPILER=" + quoted(kCxxCompiler) +
      " -DCMAKE_PREFIX_PATH=" + quoted(prefix.string()) +
      " -DCMAKE_BUILD_TYPE=" + quoted(kBuildType) + " -DCMAKE_CXX_FLAGS=" + quoted(kCxxFlags) +
      " -DCMAKE_EXE_LINKER_FLAGS=" + quoted(kLinkerFlags);
  if (*kCompilerLauncher)
    configure += " -DCMAKE_CXX_COMPILER_LAUNCHER=" + quoted(kCompilerLauncher);
  const CommandRun configured = run_command(configure);
  ASSERT_EQ(configured.status, 0) << configured.output;
  const CommandRun built =
      run_command(quoted(kCmakeCommand) + " --build " + quoted(build.string()));
  ASSERT_EQ(built.status, 0) << built.output;

  // The example reads the demo data by relative paths, as the README says to run it.
  const CommandRun ran = run_command("cd " + quoted(SENDERAUTH_SOURCE_DIR) + " && " +
                                     quoted((build / "check_demo").string()));
  ASSERT_EQ(ran.status, 0) << ran.output;
  EXPECT_EQ(ran.output.rfind("Authentication-Results: mx.example.net;\r\n", 0), 0u) << ran.output;
  EXPECT_NE(ran.output.find("dmarc=pass (aligned DKIM d=example.test;"), std::string::npos)
      << ran.output;
  EXPECT_TRUE(ran.output.ends_with("\naccept 250 2.0.0 (DMARC pass for example.test)\n"))
      << ran.output;
}

}  // namespace
