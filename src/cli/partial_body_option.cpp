#include "cli/partial_body_option.hpp"

namespace senderauth::cli {

void PartialBodyOption::add_to(CLI::App& command) {
  auto* refuse_flag =
      command.add_flag("--refuse-partial-body", refuse,
                       "A DKIM signature whose l= leaves part of the body unsigned gets policy, "
                       "not pass, so DMARC does not count it (default: only when the message's "
                       "Content-Type or Content-Transfer-Encoding is unsigned too)");
  command
      .add_flag("--accept-partial-body", accept,
                "A DKIM signature whose l= leaves part of the body unsigned passes even when "
                "the message's Content-Type is unsigned")
      ->excludes(refuse_flag);
}

dkim::PartialBody PartialBodyOption::rule() const {
  if (refuse) return dkim::PartialBody::refuse;
  if (accept) return dkim::PartialBody::accept;
  return dkim::PartialBody::refuse_when_hidable;
}

}  // namespace senderauth::cli
