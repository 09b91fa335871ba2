#pragma once

#include <string>
#include <string_view>

#include "senderauth/core/result.hpp"

namespace senderauth {

// Standard alphabet with padding. Whitespace (SP, HTAB, CR, LF) anywhere in the input is
// skipped, as DKIM requires for b=, bh= and p=. Bad characters or bad padding are errors.
Result<std::string> base64_decode(std::string_view text);
std::string base64_encode(std::string_view bytes);

}  // namespace senderauth
