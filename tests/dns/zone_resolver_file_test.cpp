// ZoneResolver::load_file / load_zone_resolver: format detection and unreadable files.
#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <string>

#include "senderauth/dns/zone_resolver.hpp"
#include "support/scratch_dir.hpp"

namespace senderauth::dns {
namespace {

class ZoneFile : public ::testing::Test {
 protected:
  std::string write(const std::string& name, const std::string& text) {
    return dir_.write(name, text);
  }

  senderauth::testing::ScratchDir dir_{"senderauth-zone-test"};
};

TEST_F(ZoneFile, MasterFileByDefault) {
  auto zone = load_zone_resolver(write("demo.zone", "$ORIGIN example.test.\n@ TXT \"hi\"\n"));
  ASSERT_TRUE(zone.ok()) << zone.reason();
  EXPECT_EQ((*zone)->lookup("example.test", RecordType::TXT).joined_txt(),
            (std::vector<std::string>{"hi"}));
}

TEST_F(ZoneFile, YamlByExtensionOrContent) {
  const std::string zonedata = "# zone\nexample.com:\n  - SPF: v=spf1 -all\n";
  for (const auto& name : {"z.yml", "z.YAML", "z.data"}) {
    auto zone = load_zone_resolver(write(name, zonedata));
    ASSERT_TRUE(zone.ok()) << name << ": " << zone.reason();
    EXPECT_EQ((*zone)->lookup("example.com", RecordType::TXT).status, Status::ok) << name;
  }
}

TEST_F(ZoneFile, MasterFileLineEndingInColonIsNotYaml) {
  auto zone = load_zone_resolver(write("plain", "host.example.test. AAAA 2001:db8::\n"));
  ASSERT_TRUE(zone.ok()) << zone.reason();
  EXPECT_EQ((*zone)->lookup("host.example.test", RecordType::AAAA).status, Status::ok);
}

TEST_F(ZoneFile, YamlScenarioDocumentUsesItsZonedata) {
  auto zone = load_zone_resolver(
      write("scenario.yml",
            "description: x\ntests: {}\nzonedata:\n  example.com:\n    - A: 192.0.2.1\n"));
  ASSERT_TRUE(zone.ok()) << zone.reason();
  EXPECT_EQ((*zone)->lookup("example.com", RecordType::A).status, Status::ok);
}

TEST_F(ZoneFile, YamlWithSeveralDocumentsRefused) {
  auto zone = load_zone_resolver(write("suite.yml", "a.test: []\n---\nb.test: []\n"));
  ASSERT_FALSE(zone.ok());
  EXPECT_EQ(zone.reason(), "YAML file holds 2 documents; give one zonedata map or one scenario");
}

TEST_F(ZoneFile, BrokenYamlIsAnError) {
  auto zone = load_zone_resolver(write("bad.yml", "a: [unclosed\n"));
  ASSERT_FALSE(zone.ok());
  EXPECT_EQ(zone.reason().substr(0, 6), "YAML: ");
}

TEST_F(ZoneFile, NameValueByExtension) {
  for (const auto& name : {"dns.txt", "FAKE_DNS.dat", "key.dns"}) {
    auto zone = load_zone_resolver(write(name, "sel._domainkey.example.com v=DKIM1; p=\n"));
    ASSERT_TRUE(zone.ok()) << name << ": " << zone.reason();
    EXPECT_EQ((*zone)->lookup("sel._domainkey.example.com", RecordType::TXT).status, Status::ok);
  }
}

TEST_F(ZoneFile, MissingFile) {
  auto zone = load_zone_resolver((dir_.path() / "absent.zone").string());
  ASSERT_FALSE(zone.ok());
  EXPECT_EQ(zone.reason(), "cannot open: No such file or directory");
}

TEST_F(ZoneFile, DirectoryIsNotAZone) {
  auto zone = load_zone_resolver(dir_.path().string());
  EXPECT_FALSE(zone.ok());
}

TEST_F(ZoneFile, ParseErrorNamesTheLine) {
  auto zone = load_zone_resolver(write("bad.zone", "a.test. A 192.0.2.1\nb.test. A x\n"));
  ASSERT_FALSE(zone.ok());
  EXPECT_EQ(zone.reason().substr(0, 8), "line 2: ");
}

}  // namespace
}  // namespace senderauth::dns
