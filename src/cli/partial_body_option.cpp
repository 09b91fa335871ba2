#include "cli/partial_body_option.hpp"

namespace senderauth::cli {

void PartialBodyOption::add_to(CLI::App& command) {
  auto* refuse_flag =
      command.add_flag("--refuse-partial-body", refuse,
                       "A DKIM signature whose l= leaves part of the body unsigned gets policy, "
                       "not pass, so DMARC does not count it (default: only when what is "
                       "appended can hide the signed text: an unsigned Content-Type, a body "
                       "neither text/plain nor multipart)");
  command
      .add_flag("--accept-partial-body", accept,
                "A DKIM signature whose l= leaves part of the body unsigned passes even when "
                "what is appended can hide the signed text")
      ->excludes(refuse_flag);
}

dkim::PartialBody PartialBodyOption::rule() const {
  if (refuse) return dkim::PartialBody::refuse;
  if (accept) return dkim::PartialBody::accept;
  return dkim::PartialBody::refuse_when_hidable;
}

}  // namespace senderauth::cli
