// --refuse-partial-body | --accept-partial-body, shared by `dkim verify` and `check`: what a
// DKIM signature whose l= leaves part of the body unsigned gets (dkim::PartialBody).
#pragma once

#include <CLI/CLI.hpp>

#include "senderauth/dkim/unsigned_duplicates.hpp"

namespace senderauth::cli {

struct PartialBodyOption {
  bool refuse = false;
  bool accept = false;

  void add_to(CLI::App& command);
  // Neither flag: policy only when what is appended can hide the signed text
  // (dkim::partial_body_risk()).
  dkim::PartialBody rule() const;
};

}  // namespace senderauth::cli
