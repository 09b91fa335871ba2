#include "senderauth/dkim/unsigned_duplicates.hpp"

#include <algorithm>
#include <string_view>

#include "senderauth/dkim/canonicalization.hpp"

namespace senderauth::dkim {
namespace {

std::string relaxed(std::string_view raw_field) {
  std::string out;
  canonicalize_header(Canonicalization::relaxed, raw_field, out);
  return out;
}

std::array<std::uint32_t, message::kSingleInstanceFieldCount> count_names(
    const std::vector<std::string>& signed_names) {
  std::array<std::uint32_t, message::kSingleInstanceFieldCount> counts{};
  for (const auto& name : signed_names) {
    const std::size_t i = message::single_instance_field(name);
    if (i < counts.size()) ++counts[i];
  }
  return counts;
}

// Whether `headers` has a copy of field `index` that h= (naming it `listed` times) leaves
// unsigned and whose value no signed copy has; `signed_copies` gets how many copies h= selects.
bool has_differing_unsigned_copy(const message::HeaderList& headers, std::size_t index,
                                 std::uint32_t listed, std::uint32_t& signed_copies) {
  const std::string_view name = message::kSingleInstanceFields[index];
  std::vector<std::string> copies;  // the fields of that name, top to bottom, relaxed
  std::vector<std::string> hidden;  // copies behind a bare CR: never selected by h=
  for (const auto& h : headers) {
    if (message::single_instance_field(h.name()) == index) copies.push_back(relaxed(h.raw()));
    if (!h.has_bare_cr()) continue;
    for (auto& value : message::values_behind_bare_cr(h, name)) {
      hidden.push_back(relaxed(std::string(name) + ":" + value + "\r\n"));
    }
  }
  // h= selects bottom-up (RFC 6376 5.4.2): the last `listed` copies are signed.
  const std::size_t unsigned_end = copies.size() - std::min<std::size_t>(listed, copies.size());
  signed_copies = static_cast<std::uint32_t>(copies.size() - unsigned_end);
  // Sorted, so that thousands of copies cost a search each, not a scan.
  std::vector<std::string_view> signed_values(copies.begin() + unsigned_end, copies.end());
  std::ranges::sort(signed_values);
  auto is_signed = [&](std::string_view value) {
    return std::ranges::binary_search(signed_values, value);
  };
  for (std::size_t k = 0; k < unsigned_end; ++k) {
    if (!is_signed(copies[k])) return true;
  }
  return std::ranges::any_of(hidden, [&](const std::string& v) { return !is_signed(v); });
}

}  // namespace

SingleInstanceCounts count_single_instance_fields(const message::HeaderList& headers) {
  SingleInstanceCounts counts;
  for (const auto& h : headers) {
    const std::size_t i = message::single_instance_field(h.name());
    if (i < counts.copies.size()) ++counts.copies[i];
    if (!h.has_bare_cr()) continue;
    for (std::size_t n = 0; n < counts.copies.size(); ++n) {
      const auto found = message::values_behind_bare_cr(h, message::kSingleInstanceFields[n]);
      counts.copies[n] += static_cast<std::uint32_t>(found.size());
      if (!found.empty()) counts.behind_bare_cr = true;
    }
  }
  return counts;
}

std::string describe_unsigned_duplicates(const std::vector<std::string>& signed_names,
                                         const message::HeaderList& headers,
                                         const SingleInstanceCounts& in_message) {
  // Nearly every message has each of these fields at most once, and none behind a bare CR:
  // nothing can be unsigned.
  if (!in_message.behind_bare_cr &&
      std::ranges::all_of(in_message.copies, [](std::uint32_t n) { return n <= 1; })) {
    return {};
  }
  const auto listed = count_names(signed_names);
  std::string text;
  for (std::size_t i = 0; i < listed.size(); ++i) {
    // A field h= does not name is not covered at all: nothing of it was vouched for.
    if (listed[i] == 0 || in_message.copies[i] == 0) continue;
    std::uint32_t signed_copies = 0;
    if (!has_differing_unsigned_copy(headers, i, listed[i], signed_copies)) continue;
    if (!text.empty()) text += "; ";
    text.append(std::to_string(in_message.copies[i]))
        .append(" ")
        .append(message::kSingleInstanceFields[i])
        .append(" fields, ")
        .append(std::to_string(signed_copies))
        .append(" signed");
  }
  return text;
}

std::string unsigned_body_structure(const std::vector<std::string>& signed_names,
                                    const SingleInstanceCounts& in_message) {
  const auto listed = count_names(signed_names);
  std::string text;
  for (std::size_t i : {message::kContentTypeField, message::kContentTransferEncodingField}) {
    if (in_message.copies[i] == 0 || listed[i] != 0) continue;
    if (!text.empty()) text += " and ";
    text += message::kSingleInstanceFields[i];
  }
  return text;
}

}  // namespace senderauth::dkim
