// What a DNS lookup returns, independent of the backend that asked.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "senderauth/core/ip_address.hpp"

namespace senderauth::dns {

enum class RecordType : std::uint16_t {
  A = 1,
  NS = 2,
  CNAME = 5,
  SOA = 6,
  PTR = 12,
  MX = 15,
  TXT = 16,
  AAAA = 28,
  SPF = 99,
  CAA = 257,
};

enum class Status : std::uint8_t {
  ok,        // at least one record of the asked type
  nxdomain,  // the name does not exist
  nodata,    // the name exists, no record of that type
  servfail,  // the server could not answer
  timeout,   // no answer within the configured time
  error,     // anything else: refused, malformed answer, local failure
};

enum class DnssecState : std::uint8_t { secure, insecure, bogus, indeterminate };

struct MxRecord {
  std::uint16_t preference = 0;
  std::string exchange;  // lower-case, no trailing dot
};

struct CaaRecord {
  std::uint8_t flags = 0;
  std::string tag;
  std::string value;
};

struct Answer {
  std::string name;  // the name asked, lower-case, no trailing dot
  RecordType type = RecordType::A;
  Status status = Status::error;
  std::vector<IpAddress> addresses;           // A / AAAA
  std::vector<std::vector<std::string>> txt;  // TXT / SPF: each record's strings kept apart
  std::vector<MxRecord> mx;                   // MX
  std::vector<std::string> names;             // PTR, NS, CNAME targets (no trailing dot)
  std::vector<CaaRecord> caa;                 // CAA
  std::vector<std::string> cname_chain;       // names followed to reach the answer
  std::uint32_t ttl = 0;                      // smallest TTL of the answer (or negative TTL)
  DnssecState dnssec = DnssecState::indeterminate;
  std::string error_text;  // why, when status is servfail/timeout/error

  bool ok() const { return status == Status::ok; }
  // nxdomain or nodata: RFC 7208's "void lookup".
  bool empty_result() const { return status == Status::nxdomain || status == Status::nodata; }
  // servfail, timeout, error: the protocols' temperror.
  bool temporary_failure() const {
    return status == Status::servfail || status == Status::timeout || status == Status::error;
  }
  // Each TXT record's strings joined without separators (RFC 7208 3.3, RFC 6376 3.6.2.2).
  std::vector<std::string> joined_txt() const;
};

std::string_view to_string(RecordType type);
std::string_view to_string(Status status);
std::string_view to_string(DnssecState state);
// "A", "aaaa", "TXT", ... → type; unknown names are an error.
bool parse_record_type(std::string_view text, RecordType& out);

}  // namespace senderauth::dns
