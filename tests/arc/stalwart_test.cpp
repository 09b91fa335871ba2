// Two real ARC-sealed messages from stalwartlabs/mail-auth (conformance/arc/stalwart): a Google
// rsa-sha256 set over an IETF list message, and a two-set chain whose i=1 is ed25519-sha256.
#include <gtest/gtest.h>

#include <asio/io_context.hpp>

#include "arc_suite.hpp"
#include "senderauth/arc/verifier.hpp"
#include "senderauth/dns/run_sync.hpp"
#include "senderauth/dns/zone_resolver.hpp"
#include "support/conformance.hpp"

namespace senderauth::arc {
namespace {

using senderauth::testing::conformance_path;
using senderauth::testing::read_file_bytes;

ArcResult verify_stalwart(const std::string& name, std::int64_t now) {
  auto zone = dns::load_zone_resolver(conformance_path("arc/stalwart/" + name + ".dns.txt"));
  EXPECT_TRUE(zone.ok()) << zone.reason();
  if (!zone.ok()) return {};
  std::string message = read_file_bytes(conformance_path("arc/stalwart/" + name + ".eml"));
  asio::io_context io;
  VerifyOptions options;
  options.now = now;
  return dns::run_sync(io, verify_arc(message, **zone, options));
}

TEST(ArcStalwart, GoogleSealOverListMessagePasses) {
  SENDERAUTH_NEED_CONFORMANCE("arc/stalwart/arc-001.eml");
  ArcResult result = verify_stalwart("arc-001", 1667893878);
  EXPECT_EQ(result.status, ChainStatus::pass) << result.reason;
  EXPECT_EQ(result.instances, 1);
  ASSERT_EQ(result.sealing_domains().size(), 1u);
  EXPECT_EQ(result.sealing_domains()[0], "google.com");
}

TEST(ArcStalwart, Ed25519FirstSetPasses) {
  SENDERAUTH_NEED_CONFORMANCE("arc/stalwart/arc-002.eml");
  ArcResult result = verify_stalwart("arc-002", 1674137914);
  EXPECT_EQ(result.status, ChainStatus::pass) << result.reason;
  EXPECT_EQ(result.instances, 2);
  EXPECT_EQ(result.oldest_pass, 0);
  EXPECT_EQ(result.sealing_domains(), (std::vector<std::string>{"manchego.org", "scamorza.org"}));
}

}  // namespace
}  // namespace senderauth::arc
