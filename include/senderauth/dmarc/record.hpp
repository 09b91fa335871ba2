// DMARC policy records: RFC 9989 (DMARCbis) syntax and semantics, while still reading what
// RFC 7489 records say (pct, rf, ri are understood and reported, and pct can be honoured).
//
// Reading rules (RFC 9989 4.7 / RFC 7489 6.3):
//  - "v=DMARC1" must be the first tag (exact, case-sensitive); anything else is not a record.
//  - Tag names are case-sensitive, values case-insensitive; unknown tags are ignored (listed).
//  - A bad value of an optional tag (adkim, aspf, fo, rf, ri, pct, t, psd) is discarded in
//    favour of the default and reported as a warning.
//  - p missing or invalid (or sp/np invalid): the record counts as p=none when rua holds at
//    least one syntactically valid URI; otherwise it is no policy record (an error).
//  - Empty tag-specs (";;") are tolerated, as real records have them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "senderauth/core/result.hpp"

namespace senderauth::dmarc {

enum class Policy : std::uint8_t { none, quarantine, reject };
enum class AlignmentMode : std::uint8_t { relaxed, strict };
enum class PsdFlag : std::uint8_t { unset, yes, no };  // psd=u is "unset"

struct ReportUri {
  std::string uri;                        // as written, whitespace removed
  std::optional<std::uint64_t> max_size;  // obsolete "!10m" suffix: kept, RFC 9989 ignores it
  // The address of a mailto: URI, percent-decoded; empty for other schemes.
  std::string mailbox() const;
};

struct DmarcRecord {
  std::optional<Policy> p;  // absent when only a valid rua made the record usable
  std::optional<Policy> sp;
  std::optional<Policy> np;
  AlignmentMode adkim = AlignmentMode::relaxed;
  AlignmentMode aspf = AlignmentMode::relaxed;
  PsdFlag psd = PsdFlag::unset;
  bool testing = false;  // t=y
  std::string fo = "0";  // failure-reporting options, as written
  std::vector<ReportUri> rua;
  std::vector<ReportUri> ruf;
  // RFC 7489 tags (removed by RFC 9989), reported when present.
  std::optional<unsigned> pct;
  std::optional<std::string> rf;
  std::optional<std::uint32_t> ri;
  std::vector<std::string> unknown_tags;
  std::vector<std::string> warnings;

  Policy domain_policy() const { return p.value_or(Policy::none); }
  Policy subdomain_policy() const { return sp.value_or(domain_policy()); }
  Policy nonexistent_policy() const { return np.value_or(subdomain_policy()); }
};

// True when the TXT string starts with "v=DMARC1" (then ";", whitespace or end): the records
// kept at a name before any other check (RFC 9989 4.10 step 2).
bool is_dmarc_record(std::string_view text);

// Parses one record; errors name what was wrong.
Result<DmarcRecord> parse_record(std::string_view text);

std::string_view to_string(Policy policy);
std::string_view to_string(AlignmentMode mode);
std::string_view to_string(PsdFlag flag);
// "none" / "quarantine" / "reject", case-insensitive.
std::optional<Policy> parse_policy(std::string_view text);

// The record in canonical tag=value form (what the CLI prints).
std::string to_string(const DmarcRecord& record);

}  // namespace senderauth::dmarc
