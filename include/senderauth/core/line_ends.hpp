// Finding bare LFs (an LF not preceded by CR) in message text. Mail read from files or from
// local submission often ends its lines in LF alone; every DKIM peer reads such an LF as CRLF.
#pragma once

#include <cstddef>
#include <string_view>

namespace senderauth {

// Where the first LF in `bytes` not preceded by CR lies, or npos. `cr_before`: the byte before
// bytes[0] (in an earlier chunk) was CR. Vectorised: it runs over every byte of a body.
std::size_t find_bare_lf(std::string_view bytes, bool cr_before);

}  // namespace senderauth
