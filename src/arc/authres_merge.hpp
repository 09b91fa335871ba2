// Reading our own Authentication-Results fields for the AAR (RFC 8617 4.1.1, 5.1.1 step 1):
// every field whose authserv-id is ours, their resinfo lists merged into one, and the arc=
// verdicts among them (what the new seal's cv= says).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "senderauth/message/header_field.hpp"

namespace senderauth::arc::detail {

// The part after "authserv-id [version] ;" of each Authentication-Results field whose
// authserv-id is `authserv_id` as authres::is_own_field() reads it (what `check` reports as
// forged in an incoming message), top to bottom.
std::vector<std::string> own_results(const message::HeaderList& headers,
                                     std::string_view authserv_id);

struct MergedResults {
  std::string text;                      // resinfos joined by ";" CRLF and two spaces
  std::vector<std::string> arc_results;  // the result word of each arc= resinfo
};

// Splits each payload at ";" (whitespace around each part trimmed, empty parts dropped) and
// joins them, as dkimpy's arc_sign does.
MergedResults merge_results(const std::vector<std::string>& payloads);

}  // namespace senderauth::arc::detail
