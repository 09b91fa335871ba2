#include "senderauth/dkim/unsigned_duplicates.hpp"

#include <algorithm>
#include <string_view>

#include "senderauth/core/domain_name.hpp"
#include "senderauth/core/header_text.hpp"
#include "senderauth/message/content_type.hpp"

namespace senderauth::dkim {
namespace {

using message::kContentTransferEncodingField;
using message::kContentTypeField;
using message::kSingleInstanceFieldCount;
using message::kSingleInstanceFields;

std::array<std::uint32_t, kSingleInstanceFieldCount> count_names(
    const std::vector<std::string>& signed_names) {
  std::array<std::uint32_t, kSingleInstanceFieldCount> counts{};
  for (const auto& name : signed_names) {
    const std::size_t i = message::single_instance_field(name);
    if (i < counts.size()) ++counts[i];
  }
  return counts;
}

std::string collapse_white_space(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (is_wsp(c)) {
      if (out.empty() || out.back() != ' ') out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// Whether field `index`, which h= names `listed` times, has an unsigned copy whose value no
// signed copy has; `signed_copies` gets how many copies h= selects.
bool has_differing_unsigned_copy(const SingleInstanceFields& in_message, std::size_t index,
                                 std::uint32_t listed, std::uint32_t& signed_copies) {
  const std::vector<std::string>& values = in_message.values[index];
  const std::size_t fields = values.size() - in_message.hidden[index];
  // h= selects bottom-up (RFC 6376 5.4.2): the last `listed` fields are signed.
  const std::size_t unsigned_end = fields - std::min<std::size_t>(listed, fields);
  signed_copies = static_cast<std::uint32_t>(fields - unsigned_end);
  // Sorted, so that thousands of copies cost a search each, not a scan.
  std::vector<std::string_view> signed_values(values.begin() + unsigned_end,
                                              values.begin() + fields);
  std::ranges::sort(signed_values);
  for (std::size_t k = 0; k < values.size(); ++k) {
    if (k == unsigned_end) k = fields;  // past the signed ones, on to the hidden copies
    if (k < values.size() && !std::ranges::binary_search(signed_values, values[k])) return true;
  }
  return false;
}

}  // namespace

std::string comparable_field_value(std::size_t field, std::string_view value) {
  std::string unfolded = message::unfold(value);
  if (field == kContentTransferEncodingField) return ascii_lower(unfolded);
  if (field == kContentTypeField) {
    auto parsed = message::parse_content_type(unfolded);
    // '\1' never starts a parsed form: an unreadable value equals only the same bytes.
    return parsed ? parsed->comparable_form() : "\1" + unfolded;
  }
  return collapse_white_space(unfolded);
}

bool shown_to_reader(std::size_t field) {
  const std::string_view name = kSingleInstanceFields[field];
  return name != "To" && name != "Cc" && name != "Bcc" && name != "Message-ID" &&
         name != "In-Reply-To" && name != "References";
}

SingleInstanceFields gather_single_instance_fields(const message::HeaderList& headers) {
  SingleInstanceFields in;
  bool any_hidden = false;
  for (const auto& h : headers) {
    const std::size_t i = message::single_instance_field(h.name());
    if (i < in.copies.size()) ++in.copies[i];
    if (!h.has_bare_cr()) continue;
    for (std::size_t n = 0; n < in.copies.size(); ++n) {
      const auto found = static_cast<std::uint32_t>(
          message::values_behind_bare_cr(h, kSingleInstanceFields[n]).size());
      in.copies[n] += found;
      in.hidden[n] += found;
      if (found != 0) any_hidden = true;
    }
  }
  // Nearly every message has each of these fields at most once, and none hidden: no values.
  const bool repeated =
      any_hidden || std::ranges::any_of(in.copies, [](std::uint32_t n) { return n > 1; });
  if (!repeated) return in;
  for (const auto& h : headers) {
    const std::size_t i = message::single_instance_field(h.name());
    if (i < in.copies.size() && in.copies[i] > 1) {
      in.values[i].push_back(comparable_field_value(i, h.value()));
    }
  }
  if (!any_hidden) return in;
  for (const auto& h : headers) {
    if (!h.has_bare_cr()) continue;
    for (std::size_t n = 0; n < in.copies.size(); ++n) {
      if (in.hidden[n] == 0) continue;
      for (const auto& value : message::values_behind_bare_cr(h, kSingleInstanceFields[n])) {
        in.values[n].push_back(comparable_field_value(n, value));
      }
    }
  }
  return in;
}

void read_media_type(SingleInstanceFields& fields, const message::HeaderList& headers) {
  if (fields.media_type_read) return;
  fields.media_type_read = true;
  for (auto h = headers.rbegin(); h != headers.rend(); ++h) {
    if (message::single_instance_field(h->name()) != kContentTypeField) continue;
    fields.media_type = message::media_type_of(h->value());
    if (fields.media_type.empty()) fields.media_type = "?";
    return;
  }
}

std::string describe_unsigned_duplicates(const std::vector<std::string>& signed_names,
                                         const SingleInstanceFields& in_message) {
  if (std::ranges::all_of(in_message.values, [](const auto& v) { return v.empty(); })) return {};
  const auto listed = count_names(signed_names);
  std::string text;
  for (std::size_t i = 0; i < listed.size(); ++i) {
    // A field h= does not name is not covered at all: nothing of it was vouched for.
    if (listed[i] == 0 || in_message.values[i].empty() || !shown_to_reader(i)) continue;
    std::uint32_t signed_copies = 0;
    if (!has_differing_unsigned_copy(in_message, i, listed[i], signed_copies)) continue;
    if (!text.empty()) text += "; ";
    text.append(std::to_string(in_message.copies[i]))
        .append(" ")
        .append(kSingleInstanceFields[i])
        .append(" fields, ")
        .append(std::to_string(signed_copies))
        .append(" signed");
  }
  return text;
}

std::string partial_body_risk(const std::vector<std::string>& signed_names,
                              const SingleInstanceFields& in_message) {
  const auto listed = count_names(signed_names);
  const std::string& type = in_message.media_type;  // the bottom-most field's; empty without
  const bool multipart = type.starts_with("multipart/");
  std::string text;
  auto add = [&text](std::string_view risk) {
    if (!text.empty()) text += " and ";
    text += risk;
  };
  // A copy hidden behind a bare CR counts here too: a reader may take its boundary.
  if (in_message.copies[kContentTypeField] != 0 && listed[kContentTypeField] == 0) {
    add("h= does not sign Content-Type");
  } else if (type == "?") {
    add("its Content-Type cannot be read");
  } else if (!type.empty() && !multipart && type != "text/plain") {
    add("the body is " + type);
  }
  if (in_message.copies[kContentTransferEncodingField] != 0 &&
      listed[kContentTransferEncodingField] == 0 && !(multipart && listed[kContentTypeField])) {
    add("h= does not sign Content-Transfer-Encoding");
  }
  return text;
}

}  // namespace senderauth::dkim
