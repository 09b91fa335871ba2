#include "cli/command_registry.hpp"

#include <algorithm>

namespace senderauth::cli {

std::vector<std::pair<std::string, CommandAdder>>& command_registry() {
  static std::vector<std::pair<std::string, CommandAdder>> registry;
  return registry;
}

CommandRegistration::CommandRegistration(std::string name, CommandAdder add) {
  command_registry().emplace_back(std::move(name), std::move(add));
}

}  // namespace senderauth::cli
