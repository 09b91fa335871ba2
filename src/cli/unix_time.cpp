#include "cli/unix_time.hpp"

#include <string>

namespace senderauth::cli {

CLI::Validator unix_time() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        const bool digits = !value.empty() && value.size() <= 12 &&
                            value.find_first_not_of("0123456789") == std::string::npos;
        if (digits) return {};
        return "'" + value + "' is not a Unix time (seconds, 0 to 999999999999)";
      },
      "UNIXTIME");
}

}  // namespace senderauth::cli
