// The bundled demo zone (demo/zone/demo.zone) loads and holds what scripts/demo and the demo
// messages rely on.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "senderauth/dns/zone_resolver.hpp"

namespace senderauth::dns {
namespace {

TEST(ZoneDemo, DemoZoneLoadsWithItsRecords) {
  auto zone = load_zone_resolver(std::string(SENDERAUTH_SOURCE_DIR) + "/demo/zone/demo.zone");
  ASSERT_TRUE(zone.ok()) << zone.reason();
  auto& z = **zone;
  EXPECT_EQ(z.lookup("example.test", RecordType::TXT).joined_txt(),
            (std::vector<std::string>{"v=spf1 mx ip4:192.0.2.0/24 -all"}));
  EXPECT_EQ(z.lookup("_dmarc.example.test", RecordType::TXT).status, Status::ok);
  for (const char* selector : {"demo-rsa", "demo-ed"}) {
    auto key = z.lookup(std::string(selector) + "._domainkey.example.test", RecordType::TXT);
    ASSERT_EQ(key.status, Status::ok) << selector;
    EXPECT_TRUE(key.joined_txt()[0].starts_with("v=DKIM1; k=")) << selector;
  }
  EXPECT_EQ(z.lookup("25.2.0.192.in-addr.arpa", RecordType::PTR).names,
            (std::vector<std::string>{"mail.example.test"}));
  EXPECT_EQ(z.lookup("mail.example.test", RecordType::A).addresses[0].to_string(), "192.0.2.25");
  EXPECT_EQ(z.lookup("66.113.0.203.in-addr.arpa", RecordType::PTR).names,
            (std::vector<std::string>{"mx.attacker.example"}));
  EXPECT_EQ(z.lookup("nothere.example.test", RecordType::TXT).ttl, 300u);  // SOA minimum
}

}  // namespace
}  // namespace senderauth::dns
