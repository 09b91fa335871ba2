// What can fairly be said about the HELO/EHLO argument (RFC 5321 2.3.5, 4.1.1.1, 4.1.4).
//
// RFC 5321 4.1.4: a server MAY check that the EHLO name corresponds to the client address,
// but MUST NOT refuse a message because that check fails. So every finding here is recorded
// for logs and trace headers, and the only one that may lead to a rejection is loop detection:
// the client greets with one of *our own* names or addresses, or with localhost — fixed names
// known in advance, decided without DNS.
//
// Checks:
//   syntax   a domain (fully qualified, or a single label such as "localhost"), or an address
//            literal [192.0.2.1] / [IPv6:2001:db8::1]; anything else is "invalid" (recorded).
//            An IPv4 literal may carry leading zeros (RFC 5321 4.1.3 Snum): [192.000.002.001]
//            is 192.0.2.1, for the loop and address checks too.
//   loop     HELO is one of HeloOptions::own_names / own_addresses, "localhost" or a name
//            under ".localhost" (RFC 6761), or a loopback literal. A loopback client saying
//            localhost is local submission, not a loop, unless the option says otherwise.
//   address  a fully qualified name is looked up (A and AAAA, concurrently) and compared with
//            the client; an address literal is compared directly. Single labels and invalid
//            arguments are not looked up.
#pragma once

#include <asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "senderauth/core/ip_address.hpp"
#include "senderauth/dns/resolver.hpp"

namespace senderauth::iprev {

enum class HeloSyntax : std::uint8_t { fqdn, single_label, address_literal, invalid };
enum class HeloAddressMatch : std::uint8_t {
  not_checked,  // no lookup made (single label, invalid, loop, or resolve=false)
  match,        // the name (or literal) gives the client's address
  mismatch,     // it gives other addresses only
  no_address,   // the name has no A/AAAA (NXDOMAIN or NODATA)
  temperror,    // the lookup failed transiently
};

std::string_view to_string(HeloSyntax syntax);
std::string_view to_string(HeloAddressMatch match);

struct HeloOptions {
  // Our host names (the HELO we send ourselves, MX names), in A-labels or U-labels: a HELO is
  // compared as its A-labels, and so is a name here (one that cannot be converted matches none).
  std::vector<std::string> own_names;
  std::vector<IpAddress> own_addresses;  // our listening addresses
  bool resolve = true;                   // look the name up to compare with the client
  // A client on a loopback address is this host (a local program, a content filter
  // re-injecting): it may name itself as we do, by our names, our addresses, localhost or a
  // loopback literal, without that being a loop. Python's smtplib and PHPMailer send the host's
  // own name by default. Our own MTA looping back to itself is caught by its SMTP client (our
  // greeting names us) and by the hop count.
  bool loopback_client_is_us = true;
};

// The HELO argument longer than this is invalid and not examined further (RFC 5321 4.5.3.1.2
// caps a domain at 255 octets).
inline constexpr std::size_t kMaxHeloLength = 255;

struct HeloResult {
  std::string helo;  // as sent, cut to kMaxHeloLength + 1 octets
  HeloSyntax syntax = HeloSyntax::invalid;
  std::string problem;               // why invalid
  std::string name;                  // domain forms: lower-case, no trailing dot
  std::optional<IpAddress> literal;  // [..] literals, and a bare address (then invalid)
  HeloAddressMatch match = HeloAddressMatch::not_checked;
  std::vector<IpAddress> addresses;  // what the name resolved to
  bool loop = false;
  std::string loop_reason;
  int dns_queries = 0;

  // Whether the SMTP server may refuse the greeting: true only for a loop.
  bool reject_recommended() const { return loop; }
  // One line for logs or a trace-header comment, e.g.
  // "helo=mail.example.com: fqdn, resolves to the client".
  std::string summary() const;
};

// Syntax and loop checks alone, without DNS.
HeloResult examine_helo(std::string_view helo, const IpAddress& client,
                        const HeloOptions& options = {});

// examine_helo() plus the address comparison. `resolver` must outlive the awaitable; the other
// arguments are copied.
asio::awaitable<HeloResult> check_helo(dns::Resolver& resolver, std::string_view helo,
                                       const IpAddress& client, const HeloOptions& options);

}  // namespace senderauth::iprev
