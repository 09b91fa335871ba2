// ZoneResolver::load_spf_zonedata: the SPF suite's YAML zonedata, served as pyspf's reference
// driver serves it; and every scenario of both suite files loads.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "senderauth/dns/zone_resolver.hpp"
#include "support/conformance.hpp"

namespace senderauth::dns {
namespace {

ZoneResolver loaded(const std::string& yaml) {
  ZoneResolver zone;
  auto result = zone.load_spf_zonedata(YAML::Load(yaml));
  EXPECT_TRUE(result.ok()) << result.reason();
  return zone;
}

std::string load_error(const std::string& yaml) {
  ZoneResolver zone;
  auto result = zone.load_spf_zonedata(YAML::Load(yaml));
  return result.ok() ? "(loaded)" : result.reason();
}

TEST(ZoneSpfZonedata, RecordTypes) {
  auto zone = loaded(R"(
Mail.Example.com.:
  - A: 192.0.2.1
  - AAAA: "2001:db8::1"
  - MX: [10, mx.example.com.]
  - MX: [0, ""]
  - PTR: mail.Example.com
  - TXT: v=spf1 -all
alias.example.com:
  - CNAME: "MAIL.example.com."
)");
  auto a = zone.lookup("mail.example.com", RecordType::A);
  ASSERT_EQ(a.status, Status::ok);
  EXPECT_EQ(a.addresses[0].to_string(), "192.0.2.1");
  EXPECT_EQ(zone.lookup("mail.example.com", RecordType::AAAA).addresses[0].to_string(),
            "2001:db8::1");
  auto mx = zone.lookup("mail.example.com", RecordType::MX);
  ASSERT_EQ(mx.mx.size(), 2u);
  EXPECT_EQ(mx.mx[0].preference, 10);
  EXPECT_EQ(mx.mx[0].exchange, "mx.example.com");
  EXPECT_EQ(mx.mx[1].exchange, "");  // the root
  EXPECT_EQ(zone.lookup("mail.example.com", RecordType::PTR).names,
            (std::vector<std::string>{"mail.example.com"}));
  auto via_alias = zone.lookup("alias.example.com", RecordType::TXT);
  ASSERT_EQ(via_alias.status, Status::ok);
  EXPECT_EQ(via_alias.cname_chain, (std::vector<std::string>{"mail.example.com"}));
}

TEST(ZoneSpfZonedata, StringListIsOneRecordOfSeveralStrings) {
  auto zone = loaded(R"(
example.com:
  - TXT: ['v=spf1', ' mx']
  - TXT: [ ]
  - TXT: other
)");
  auto txt = zone.lookup("example.com", RecordType::TXT);
  EXPECT_EQ(txt.txt, (std::vector<std::vector<std::string>>{{"v=spf1", " mx"}, {}, {"other"}}));
}

TEST(ZoneSpfZonedata, SpfServedAsTxtWhenNoTxtListed) {
  auto zone = loaded(R"(
spfonly.example.com:
  - SPF: v=spf1 -all
both.example.com:
  - SPF: v=spf1 +all
  - TXT: v=spf1 -all
none.example.com:
  - SPF: v=spf1 -all
  - TXT: NONE
)");
  EXPECT_EQ(zone.lookup("spfonly.example.com", RecordType::SPF).joined_txt(),
            (std::vector<std::string>{"v=spf1 -all"}));
  EXPECT_EQ(zone.lookup("spfonly.example.com", RecordType::TXT).joined_txt(),
            (std::vector<std::string>{"v=spf1 -all"}));
  EXPECT_EQ(zone.lookup("both.example.com", RecordType::TXT).joined_txt(),
            (std::vector<std::string>{"v=spf1 -all"}));
  EXPECT_EQ(zone.lookup("none.example.com", RecordType::TXT).status, Status::nodata);
  EXPECT_EQ(zone.lookup("none.example.com", RecordType::SPF).status, Status::ok);
}

TEST(ZoneSpfZonedata, TimeoutOnlyForTypesWithoutRecords) {
  // The rfc7208 "Record lookup" scenario's names.
  auto zone = loaded(R"(
spftimeout.example.net:
  - TXT:  v=spf1 -all
  - TIMEOUT
txttimeout.example.net:
  - SPF:  v=spf1 -all
  - TXT:  NONE
  - TIMEOUT
alltimeout.example.net:
  - TIMEOUT
)");
  EXPECT_EQ(zone.lookup("spftimeout.example.net", RecordType::TXT).status, Status::ok);
  EXPECT_EQ(zone.lookup("spftimeout.example.net", RecordType::SPF).status, Status::timeout);
  EXPECT_EQ(zone.lookup("txttimeout.example.net", RecordType::SPF).status, Status::ok);
  EXPECT_EQ(zone.lookup("txttimeout.example.net", RecordType::TXT).status, Status::timeout);
  EXPECT_EQ(zone.lookup("alltimeout.example.net", RecordType::TXT).status, Status::timeout);
  EXPECT_EQ(zone.lookup("alltimeout.example.net", RecordType::A).status, Status::timeout);
  // Below a timing-out name nothing exists.
  EXPECT_EQ(zone.lookup("x.alltimeout.example.net", RecordType::A).status, Status::nxdomain);
}

TEST(ZoneSpfZonedata, TimeoutStopsTheTxtCopy) {
  // pyspf appends the TXT copies after the list, so TIMEOUT is reached first.
  auto zone = loaded("t.example.com:\n  - SPF: v=spf1 -all\n  - TIMEOUT\n");
  EXPECT_EQ(zone.lookup("t.example.com", RecordType::TXT).status, Status::timeout);
}

TEST(ZoneSpfZonedata, ListedNamesExistOthersDoNot) {
  auto zone = loaded("listed.example.com:\n  - A: 192.0.2.1\nbare.example.com:\n");
  EXPECT_EQ(zone.lookup("listed.example.com", RecordType::TXT).status, Status::nodata);
  EXPECT_EQ(zone.lookup("bare.example.com", RecordType::TXT).status, Status::nodata);
  EXPECT_EQ(zone.lookup("unlisted.example.com", RecordType::TXT).status, Status::nxdomain);
}

TEST(ZoneSpfZonedata, HexEscapesAreRawBytes) {
  auto zone = loaded(R"(
hosed.example.com:
  - SPF: "v=spf1 a:\xEF\xBB\xBFgarbage.example.net -all"
  - TXT: "\x80\x0d\x0a"
)");
  EXPECT_EQ(zone.lookup("hosed.example.com", RecordType::SPF).joined_txt(),
            (std::vector<std::string>{"v=spf1 a:\xEF\xBB\xBFgarbage.example.net -all"}));
  EXPECT_EQ(zone.lookup("hosed.example.com", RecordType::TXT).joined_txt(),
            (std::vector<std::string>{"\x80\r\n"}));
}

TEST(ZoneSpfZonedata, OddOwnerNamesAccepted) {
  auto zone = loaded("'macro%percent  space%20url-space.example.com':\n  - SPF: v=spf1 -all\n");
  EXPECT_EQ(zone.lookup("macro%percent  space%20url-space.example.com", RecordType::TXT).status,
            Status::ok);
}

TEST(ZoneSpfZonedata, Errors) {
  EXPECT_EQ(load_error("- A: 1.2.3.4\n"), "zonedata is not a map of names to record lists");
  EXPECT_EQ(load_error("a.example.com:\n  - A: nonsense\n").substr(0, 36),
            "zonedata 'a.example.com': record 1: ");
  EXPECT_EQ(load_error("a.example.com:\n  - A: 1.2.3.4\n  - HINFO: x\n"),
            "zonedata 'a.example.com': record 2: record type 'HINFO' is not supported");
  EXPECT_EQ(load_error("a.example.com:\n  - AAAA: 1.2.3.4\n"),
            "zonedata 'a.example.com': record 1: '1.2.3.4' is not an IPv6 address");
  EXPECT_EQ(load_error("a.example.com:\n  - MX: [70000, mx]\n"),
            "zonedata 'a.example.com': record 1: MX preference '70000' is not 0-65535");
  EXPECT_EQ(load_error("a.example.com:\n  - MX: mx\n"),
            "zonedata 'a.example.com': record 1: MX is not [preference, exchange]");
  EXPECT_EQ(load_error("a.example.com:\n  - SLOW\n"),
            "zonedata 'a.example.com': record 1: not TIMEOUT nor a one-key map TYPE: value");
  EXPECT_EQ(load_error("a.example.com: 5\n"), "zonedata 'a.example.com': records are not a list");
  EXPECT_EQ(load_error("a..b:\n  - A: 1.2.3.4\n"), "zonedata name 'a..b': empty label in 'a..b'");
}

// Every scenario of both suite files loads, and what the suite's driver relies on holds.
void load_every_scenario(const std::string& file) {
  const auto path = testing::conformance_path("spf/" + file);
  auto documents = YAML::LoadAllFromFile(path.string());
  ASSERT_GE(documents.size(), 15u);
  std::size_t names = 0;
  for (const auto& scenario : documents) {
    SCOPED_TRACE(scenario["description"].as<std::string>());
    ZoneResolver zone;
    auto result = zone.load_spf_zonedata(scenario["zonedata"]);
    ASSERT_TRUE(result.ok()) << result.reason();
    for (const auto& entry : scenario["zonedata"]) {
      ++names;
      const auto name = entry.first.as<std::string>();
      auto answer = zone.lookup(name, RecordType::TXT);
      EXPECT_NE(answer.status, Status::nxdomain) << name;
      EXPECT_NE(answer.status, Status::error) << name << ": " << answer.error_text;
    }
  }
  EXPECT_GT(names, 100u);
}

TEST(ZoneSpfZonedataConformance, Rfc7208EveryScenarioLoads) {
  SENDERAUTH_NEED_CONFORMANCE("spf/rfc7208-tests.yml");
  load_every_scenario("rfc7208-tests.yml");
}

TEST(ZoneSpfZonedataConformance, Rfc4408EveryScenarioLoads) {
  SENDERAUTH_NEED_CONFORMANCE("spf/rfc4408-tests.yml");
  load_every_scenario("rfc4408-tests.yml");
}

TEST(ZoneSpfZonedataConformance, LoopScenarioAnswersServfail) {
  SENDERAUTH_NEED_CONFORMANCE("spf/rfc7208-tests.yml");
  auto documents = YAML::LoadAllFromFile(testing::conformance_path("spf/rfc7208-tests.yml"));
  for (const auto& scenario : documents) {
    if (!scenario["zonedata"]["loop4.example.com"]) continue;
    ZoneResolver zone;
    ASSERT_TRUE(zone.load_spf_zonedata(scenario["zonedata"]).ok());
    auto answer = zone.lookup("loop4.example.com", RecordType::A);
    EXPECT_EQ(answer.status, Status::servfail);
    EXPECT_EQ(answer.cname_chain,
              (std::vector<std::string>{"cname.example.com", "cname.example.com"}));
    return;
  }
  FAIL() << "scenario with loop4.example.com not found";
}

}  // namespace
}  // namespace senderauth::dns
