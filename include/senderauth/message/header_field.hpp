// One header field of an RFC 5322 message, kept byte for byte as received (after LF line ends
// have been turned into CRLF): DKIM's "simple" canonicalisation and ARC need the exact bytes.
#pragma once

#include <iterator>
#include <string>
#include <string_view>
#include <vector>

namespace senderauth::message {

class HeaderField {
 public:
  HeaderField() = default;
  // `raw` is the whole field: name, colon, value, folding, and the terminating CRLF.
  explicit HeaderField(std::string raw);

  // Exact bytes including the final CRLF.
  const std::string& raw() const { return raw_; }
  // The field name as written, without whitespace before the colon.
  std::string_view name() const { return std::string_view(raw_).substr(0, name_end_); }
  // Everything after the colon up to (not including) the final CRLF, folding kept.
  std::string_view value() const;
  // ASCII case-insensitive name comparison. Inline up to the length check, which settles it
  // for most fields a caller looks through.
  bool is(std::string_view name) const { return name.size() == name_end_ && name_equals(name); }
  // Whether the field holds a bare CR (one no LF follows), behind which a reader that ends
  // lines there (Python's email package) sees another field. Found once, when the field is
  // made: the From, unsigned-copy and Authentication-Results scans all ask.
  bool has_bare_cr() const { return bare_cr_; }

 private:
  bool name_equals(std::string_view same_length_name) const;

  std::string raw_;
  std::size_t colon_ = 0;
  std::size_t name_end_ = 0;
  bool bare_cr_ = false;
};

using HeaderList = std::vector<HeaderField>;

// The field name in the bytes before a field's colon: without the whitespace that RFC 5322's
// obsolete syntax (4.5) allows between the name and the colon.
std::string_view field_name_before_colon(std::string_view before_colon);

// RFC 5322 3.6's fields that a message carries at most once, in the order of its table, then
// the two of RFC 2045 that decide how the body is read (Content-Type: a new boundary can turn
// the signed body into an unseen preamble). A second copy of one is what a reader may show
// instead of the first (the one a signature covers), so DKIM verification counts them.
// clang-format off
inline constexpr std::string_view kSingleInstanceFields[] = {
    "Date", "From", "Sender", "Reply-To", "To", "Cc", "Bcc", "Message-ID", "In-Reply-To",
    "References", "Subject", "Content-Type", "Content-Transfer-Encoding"};
// clang-format on
inline constexpr std::size_t kContentTypeField = 11;
inline constexpr std::size_t kContentTransferEncodingField = 12;
inline constexpr std::size_t kSingleInstanceFieldCount = std::size(kSingleInstanceFields);
// The index of `name` in kSingleInstanceFields (compared without regard to case), or
// kSingleInstanceFieldCount when it may appear any number of times.
std::size_t single_instance_field(std::string_view name);

// The values of the fields named `name` (ASCII case-insensitive) that start inside `field`
// right after a bare CR (one no LF follows), as a reader that ends lines at a bare CR reads
// them: "X-Pad: a\rFrom: Bank <user@bank.test>\r..." shows Python's email package a From field.
// A value runs to a line break that no space or tab follows. Empty at once for a field without
// a bare CR (HeaderField::has_bare_cr()).
std::vector<std::string> values_behind_bare_cr(const HeaderField& field, std::string_view name);

// The value with folding removed (CRLF before WSP deleted) and outer whitespace trimmed.
std::string unfold(std::string_view value);

// A one-line field ("Name: value", no line ending) folded for writing: a line ending is put
// before existing spaces so that no line exceeds max_line characters where a space allows it.
// Nothing is added or removed, so unfolding gives back the input. The field name and the first
// word of the value stay on the first line; a word longer than a line stays whole.
std::string fold(std::string_view field, std::size_t max_line = 78,
                 std::string_view line_ending = "\r\n");

}  // namespace senderauth::message
