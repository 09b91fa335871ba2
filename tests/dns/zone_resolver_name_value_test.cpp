// ZoneResolver::load_name_value_text: the DKIM suite's "owner value" DNS files.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "senderauth/dns/zone_resolver.hpp"
#include "support/conformance.hpp"

namespace senderauth::dns {
namespace {

std::string load_error(const std::string& text) {
  ZoneResolver zone;
  auto result = zone.load_name_value_text(text);
  return result.ok() ? "(loaded)" : result.reason();
}

TEST(ZoneNameValue, RecordsMarkersAndComments) {
  ZoneResolver zone;
  auto result = zone.load_name_value_text(
      "# comment\n"
      "; another\n"
      "\n"
      "sel._domainkey.Example.COM  v=DKIM1; k=rsa; p=AAAA ; \r\n"
      "sel._domainkey.example.com\tsecond record\n"
      "gone._domainkey.example.com NXDOMAIN\n"
      "slow._domainkey.example.com ~~Query timed out~~\n"
      "fail._domainkey.example.com ~~SERVFAIL~~\n"
      "empty._domainkey.example.com \"\"\n"
      "split._domainkey.example.com \"v=DKIM1; \" \"p=\\065B\"\n");
  ASSERT_TRUE(result.ok()) << result.reason();
  auto sel = zone.lookup("sel._domainkey.example.com", RecordType::TXT);
  ASSERT_EQ(sel.status, Status::ok);
  EXPECT_EQ(sel.joined_txt(),
            (std::vector<std::string>{"v=DKIM1; k=rsa; p=AAAA ; ", "second record"}));
  EXPECT_EQ(zone.lookup("gone._domainkey.example.com", RecordType::TXT).status, Status::nxdomain);
  EXPECT_EQ(zone.lookup("slow._domainkey.example.com", RecordType::TXT).status, Status::timeout);
  EXPECT_EQ(zone.lookup("fail._domainkey.example.com", RecordType::TXT).status, Status::servfail);
  auto empty = zone.lookup("empty._domainkey.example.com", RecordType::TXT);
  ASSERT_EQ(empty.status, Status::ok);
  EXPECT_EQ(empty.txt, (std::vector<std::vector<std::string>>{{""}}));
  EXPECT_EQ(zone.lookup("split._domainkey.example.com", RecordType::TXT).joined_txt(),
            (std::vector<std::string>{"v=DKIM1; p=AB"}));
  EXPECT_EQ(zone.lookup("_domainkey.example.com", RecordType::TXT).status, Status::nodata);
  EXPECT_EQ(zone.lookup("sel._domainkey.example.com", RecordType::A).status, Status::nodata);
}

TEST(ZoneNameValue, LongValueCutInto255OctetStrings) {
  const std::string key(600, 'k');
  ZoneResolver zone;
  ASSERT_TRUE(zone.load_name_value_text("k._domainkey.example.com p=" + key + "\n").ok());
  auto answer = zone.lookup("k._domainkey.example.com", RecordType::TXT);
  ASSERT_EQ(answer.txt.size(), 1u);
  ASSERT_EQ(answer.txt[0].size(), 3u);
  EXPECT_EQ(answer.txt[0][0].size(), 255u);
  EXPECT_EQ(answer.joined_txt()[0], "p=" + key);
}

TEST(ZoneNameValue, ErrorsNameTheLine) {
  EXPECT_EQ(load_error("# c\nlonely\n"), "line 2: owner name without a value");
  EXPECT_EQ(load_error("a..b value\n"), "line 1: name 'a..b': empty label in 'a..b'");
  EXPECT_EQ(load_error("ok v\n  indented value\n"), "line 2: starts with white space");
  EXPECT_EQ(load_error("a \"x\" y\n"), "line 1: quoted value: 'y' outside quotes");
  EXPECT_EQ(load_error("a \"open\n"),
            "line 1: quoted value: line 1: quoted string is not closed on its line");
}

// The DNS files SOURCE.md names: dns.txt, *.dns.txt and mail-dkim/FAKE_DNS.dat.
std::vector<std::filesystem::path> dkim_dns_files() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(testing::conformance_path("dkim"))) {
    const auto name = entry.path().filename().string();
    if (name == "dns.txt" || name.ends_with(".dns.txt") || name.ends_with(".dat")) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(ZoneNameValueConformance, EveryDkimDnsFileLoads) {
  SENDERAUTH_NEED_CONFORMANCE("dkim");
  const auto files = dkim_dns_files();
  EXPECT_GE(files.size(), 10u);
  for (const auto& file : files) {
    ZoneResolver zone;
    auto result = zone.load_file(file.string());
    EXPECT_TRUE(result.ok()) << file << ": " << result.reason();
  }
}

TEST(ZoneNameValueConformance, MailDkimMarkers) {
  SENDERAUTH_NEED_CONFORMANCE("dkim/mail-dkim/FAKE_DNS.dat");
  auto zone = load_zone_resolver(testing::conformance_path("dkim/mail-dkim/FAKE_DNS.dat"));
  ASSERT_TRUE(zone.ok()) << zone.reason();
  auto& z = **zone;
  EXPECT_EQ(z.lookup("nonexistent._domainkey.messiah.edu", RecordType::TXT).status,
            Status::nxdomain);
  EXPECT_EQ(z.lookup("test3._domainkey.blackhole.messiah.edu", RecordType::TXT).status,
            Status::timeout);
  EXPECT_EQ(z.lookup("test3._domainkey.blackhole2.messiah.edu", RecordType::TXT).status,
            Status::servfail);
  auto empty = z.lookup("2023-05-ed25519-empty._domainkey.wander.science", RecordType::TXT);
  EXPECT_EQ(empty.joined_txt(), (std::vector<std::string>{""}));
  auto key = z.lookup("test1._domainkey.messiah.edu", RecordType::TXT);
  ASSERT_EQ(key.status, Status::ok);
  EXPECT_TRUE(key.joined_txt()[0].starts_with("v=DKIM1; t=y; s=email; p=MFww"));
}

}  // namespace
}  // namespace senderauth::dns
