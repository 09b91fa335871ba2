// The whole receiving path: one message through `Authenticator::check` (iprev, HELO, SPF, DKIM,
// ARC, DMARC, the decision, the fields we add) over the demo zone in memory, so that what the
// single-parser targets cannot reach (a signature that parses meeting a From that does not, ARC
// sets next to DKIM signatures, forged Authentication-Results) meets the fuzzer too. Whatever
// the message, the check must end with a verdict whose fields can be prepended as they are:
// CRLF only as folding and at the end, and an Authentication-Results value our reader reads.
// Seeds: fuzz/corpus/fuzz_pipeline_check, and demo/messages (signed by the demo zone's keys),
// which scripts/fuzz-smoke adds.
#include <asio/io_context.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "senderauth/authres/parser.hpp"
#include "senderauth/dns/run_sync.hpp"
#include "senderauth/dns/zone_resolver.hpp"
#include "senderauth/pipeline/authenticator.hpp"

namespace {

using namespace senderauth;

// A field as the verdict gives it: "Name: value", folded with CRLF + WSP, ending in CRLF.
void check_field(const std::string& field, std::string_view name) {
  if (field.empty()) return;
  if (field.compare(0, name.size(), name) != 0 || field.size() < name.size() + 2) __builtin_trap();
  if (field.substr(field.size() - 2) != "\r\n") __builtin_trap();
  for (std::size_t i = 0; i < field.size(); ++i) {
    const char c = field[i];
    if (c == '\0') __builtin_trap();
    if (c == '\r' && (i + 1 >= field.size() || field[i + 1] != '\n')) __builtin_trap();
    if (c == '\n' && (i == 0 || field[i - 1] != '\r')) __builtin_trap();
    if (c == '\n' && i + 1 < field.size() && field[i + 1] != ' ' && field[i + 1] != '\t') {
      __builtin_trap();  // a line that is not a continuation: a header injected
    }
  }
}

std::string unfolded_value(const std::string& field) {
  std::string out;
  for (std::size_t i = field.find(':') + 1; i < field.size(); ++i) {
    if (field[i] != '\r' && field[i] != '\n') out.push_back(field[i]);
  }
  return out;
}

struct Setup {
  std::unique_ptr<dns::ZoneResolver> zone;
  std::unique_ptr<pipeline::Authenticator> auth;
  pipeline::Envelope envelope;
};

Setup& setup() {
  static Setup s = [] {
    Setup out;
    auto zone = dns::load_zone_resolver(SENDERAUTH_DEMO_ZONE);
    if (!zone) __builtin_trap();
    out.zone = std::move(*zone);
    out.zone->set_query_log_enabled(false);
    pipeline::LocalPolicy policy;
    policy.authserv_id = "mx.example.net";
    policy.trusted_arc_sealers = {"lists.example.org"};
    out.auth = std::make_unique<pipeline::Authenticator>(*out.zone, policy);
    out.envelope.client_ip = *IpAddress::parse("192.0.2.25");
    out.envelope.helo = "mail.example.test";
    out.envelope.mail_from = "alice@example.test";
    out.envelope.rcpt_to = {"bob@example.net"};
    return out;
  }();
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Setup& s = setup();
  const std::string_view message(reinterpret_cast<const char*>(data), size);
  asio::io_context io;
  const pipeline::Verdict v = dns::run_sync(io, s.auth->check(s.envelope, message));
  check_field(v.authentication_results, "Authentication-Results:");
  check_field(v.received_spf, "Received-SPF:");
  if (!authres::parse_authres(unfolded_value(v.authentication_results)).ok()) __builtin_trap();
  return 0;
}
