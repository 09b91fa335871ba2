#include "senderauth/dkim/unsigned_duplicates.hpp"

#include <algorithm>

namespace senderauth::dkim {

SingleInstanceCounts count_single_instance_fields(const message::HeaderList& headers) {
  SingleInstanceCounts counts{};
  for (const auto& h : headers) {
    const std::size_t i = message::single_instance_field(h.name());
    if (i < counts.size()) ++counts[i];
    // "X-Pad: a\rSubject: ..." shows a reader that ends lines at a bare CR (Python's email
    // package) one more Subject, which no h= entry names: an unsigned copy, counted as
    // message::from_field_values() counts a From hidden that way.
    if (!h.has_bare_cr()) continue;
    for (std::size_t n = 0; n < counts.size(); ++n) {
      counts[n] += static_cast<std::uint32_t>(
          message::values_behind_bare_cr(h, message::kSingleInstanceFields[n]).size());
    }
  }
  return counts;
}

std::string describe_unsigned_duplicates(const std::vector<std::string>& signed_names,
                                         const SingleInstanceCounts& in_message) {
  // Nearly every message has each of these fields at most once: nothing can be unsigned.
  if (std::ranges::all_of(in_message, [](std::uint32_t n) { return n <= 1; })) return {};
  SingleInstanceCounts signed_counts{};
  for (const auto& name : signed_names) {
    const std::size_t i = message::single_instance_field(name);
    if (i < signed_counts.size()) ++signed_counts[i];
  }
  std::string text;
  for (std::size_t i = 0; i < signed_counts.size(); ++i) {
    if (signed_counts[i] == 0 || in_message[i] <= signed_counts[i]) continue;
    if (!text.empty()) text += "; ";
    text.append(std::to_string(in_message[i]))
        .append(" ")
        .append(message::kSingleInstanceFields[i])
        .append(" fields, ")
        .append(std::to_string(signed_counts[i]))
        .append(" signed");
  }
  return text;
}

}  // namespace senderauth::dkim
