// Reading DNS wire format as libunbound hands it over: rdata of one record (ub_result->data)
// and the whole answer packet (for the CNAME chain). Private to the libunbound backend.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "senderauth/dns/answer.hpp"

namespace senderauth::dns::wire {

// Names in an Answer (and in the in-memory zones) are a name's labels joined by '.', each
// label's bytes as they are: no escapes (the label a\b is the three bytes a, \, b). A label may
// hold any byte but '.', which this text cannot tell from a separator.

// A domain name starting at `offset` in `message`, following compression pointers (bounded:
// at most 128 jumps). Lower-case, no trailing dot; "" for the root. Advances `offset` past the
// name as it appears at that place. nullopt when malformed, and when a label holds a '.': as
// text that name would be another one (then *dotted_label, when given, is set).
std::optional<std::string> read_name(std::span<const std::uint8_t> message, std::size_t& offset,
                                     bool* dotted_label = nullptr);

// `name` (labels joined by '.', no trailing dot) as libunbound reads a query name: presentation
// format, absolute. libunbound would read '\\' as an escape and stop at a NUL, asking for
// another name than this one: '\\' is escaped, other bytes outside '!'..'~' written as \DDD,
// and a name holding a NUL is refused (nullopt).
std::optional<std::string> query_text(std::string_view name);

enum class Rdata {
  appended,  // added to the answer
  skipped,   // well-formed, but names a host whose label holds a '.' (PTR, MX, NS): left out
  malformed,
};

// Decodes one record's rdata of `type` into `answer` (addresses, txt, mx, names or caa). A
// PTR, MX or NS record naming a host that the text of a name cannot hold is skipped, not the
// whole answer failed: its other records are still judged (one odd PTR name beside the real
// one would otherwise turn iprev's fail into temperror); with none left the answer is NODATA.
Rdata decode_rdata(RecordType type, std::span<const std::uint8_t> rdata, Answer& answer);

// The CNAME records of a response's answer section followed from `qname`: the targets in
// order. Empty when there are none or the packet is malformed.
std::vector<std::string> cname_chain(std::span<const std::uint8_t> packet,
                                     const std::string& qname);

// How long a negative answer (NXDOMAIN, NODATA) may be kept (RFC 2308 5): min(TTL, MINIMUM)
// of the SOA in the packet's authority section; nullopt when there is none (or the packet is
// malformed): such an answer is not to be cached at all.
std::optional<std::uint32_t> negative_ttl(std::span<const std::uint8_t> packet);

}  // namespace senderauth::dns::wire
