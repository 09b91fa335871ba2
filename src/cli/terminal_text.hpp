// Text from the network (a DNS record, a signature's tags) on its way to a line of the CLI's
// text output: one line whatever it holds, so that a script reading the output line by line
// cannot be handed a forged one, and no escape sequence reaches a terminal.
#pragma once

#include <string>
#include <string_view>

namespace senderauth::cli {

// Each control character but TAB (CR, LF, ESC, DEL among them), and each Unicode control of
// core/utf8.hpp (C1, U+2028, U+2029, bidi overrides), becomes '?'; everything else stays as
// it is, so a record shows as published.
std::string terminal_text(std::string_view text);

}  // namespace senderauth::cli
