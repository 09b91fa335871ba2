// A fresh private folder under the system temp dir for one test, removed with everything in it
// when the object goes away.
#pragma once

#include <filesystem>
#include <string>

namespace senderauth::testing {

class ScratchDir {
 public:
  // `prefix` names the folder (mkdtemp: unique even across parallel ctest processes).
  explicit ScratchDir(const std::string& prefix = "senderauth-test");
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // Writes `bytes` to path()/name exactly (binary) and returns the file's path.
  std::string write(const std::string& name, const std::string& bytes) const;

 private:
  std::filesystem::path path_;
};

}  // namespace senderauth::testing
