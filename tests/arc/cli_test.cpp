// senderauth arc seal | verify, run as a user would (the built binary through popen).
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "senderauth/dkim/crypto.hpp"
#include "senderauth/dkim/key_record.hpp"
#include "support/arc_body_length.hpp"

namespace senderauth::arc {
namespace {

namespace fs = std::filesystem;

struct CliRun {
  int status = -1;
  std::string out;
};

CliRun run(const std::string& command) {
  CliRun r;
  FILE* p = ::popen((command + " 2>/dev/null").c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int raw = ::pclose(p);
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return r;
}

void write(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

class ArcCli : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(SENDERAUTH_CLI_PATH)) GTEST_SKIP() << "senderauth binary not built";
    dir_ = fs::temp_directory_path() / ("arc-cli-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    auto key = dkim::PrivateKey::generate(dkim::KeyType::ed25519).value();
    write(dir_ / "key.pem", key.to_pem());
    write(dir_ / "zone.txt",
          "ed._domainkey.relay.example " +
              dkim::format_key_record(dkim::KeyType::ed25519, key.public_key_der()) + "\n");
    write(dir_ / "in.eml",
          "Authentication-Results: mx.relay.example; spf=pass smtp.mailfrom=a.example\n"
          "From: a@a.example\nTo: b@b.example\nSubject: hi\n\nbody\n");
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  std::string cli() const { return std::string(SENDERAUTH_CLI_PATH); }
  fs::path dir_;
};

TEST_F(ArcCli, SealThenVerify) {
  CliRun seal = run(cli() + " arc seal --key " + (dir_ / "key.pem").string() +
                    " --domain relay.example --selector ed --authserv-id mx.relay.example" +
                    " --timestamp 1700000000 < " + (dir_ / "in.eml").string() + " > " +
                    (dir_ / "out.eml").string());
  ASSERT_EQ(seal.status, 0);
  std::ifstream in(dir_ / "out.eml", std::ios::binary);
  std::string sealed((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(sealed.rfind("ARC-Seal: a=ed25519-sha256;", 0), 0u) << sealed;
  EXPECT_EQ(sealed.find('\r'), std::string::npos) << "LF input gives LF output";

  CliRun verify = run(cli() + " arc verify --zone " + (dir_ / "zone.txt").string() +
                      " --remote-ip 192.0.2.1 " + (dir_ / "out.eml").string());
  EXPECT_EQ(verify.status, 0);
  EXPECT_EQ(verify.out.rfind("arc=pass (i=1) header.oldest-pass=0 smtp.remote-ip=192.0.2.1 "
                             "arc.chain=relay.example\n",
                             0),
            0u)
      << verify.out;

  CliRun json = run(cli() + " arc verify --json --zone " + (dir_ / "zone.txt").string() + " " +
                    (dir_ / "in.eml").string());
  EXPECT_NE(json.out.find("\"result\":\"none\""), std::string::npos) << json.out;

  // The default h= oversigns Subject (and From, Reply-To, Content-Type...): a Subject put on
  // top after sealing breaks the AMS.
  std::string unfolded = sealed;
  for (std::size_t at; (at = unfolded.find("\n ")) != std::string::npos;) unfolded.erase(at, 2);
  EXPECT_NE(unfolded.find("h=from:from:to:to:cc:subject:subject:reply-to:mime-version:"
                          "content-type:content-transfer-encoding;"),
            std::string::npos)
      << sealed;
  write(dir_ / "added.eml", "Subject: added\n" + sealed);
  json = run(cli() + " arc verify --json --zone " + (dir_ / "zone.txt").string() + " " +
             (dir_ / "added.eml").string());
  EXPECT_NE(json.out.find("\"result\":\"fail\""), std::string::npos) << json.out;

  // Sealed by a sealer that signs one Subject and does not oversign it: the chain passes, and
  // says what is unsigned.
  seal = run(cli() + " arc seal --key " + (dir_ / "key.pem").string() +
             " --domain relay.example --selector ed --authserv-id mx.relay.example" +
             " --headers from:to:subject --timestamp 1700000000 < " + (dir_ / "in.eml").string() +
             " > " + (dir_ / "out.eml").string());
  ASSERT_EQ(seal.status, 0);
  std::ifstream in2(dir_ / "out.eml", std::ios::binary);
  sealed.assign(std::istreambuf_iterator<char>(in2), {});
  write(dir_ / "added.eml", "Subject: added\n" + sealed);
  json = run(cli() + " arc verify --json --zone " + (dir_ / "zone.txt").string() + " " +
             (dir_ / "added.eml").string());
  EXPECT_NE(json.out.find("\"result\":\"pass\""), std::string::npos) << json.out;
  EXPECT_NE(json.out.find("\"unsigned_duplicates\":\"2 Subject fields, 1 signed\""),
            std::string::npos)
      << json.out;
  // Per set too, and on the set's text line.
  EXPECT_NE(json.out.find(
                "\"seal_selector\":\"ed\",\"seal_valid\":true,"
                "\"unsigned_body\":null,\"unsigned_duplicates\":\"2 Subject fields, 1 signed\"}"),
            std::string::npos)
      << json.out;
  CliRun text = run(cli() + " arc verify --zone " + (dir_ / "zone.txt").string() + " " +
                    (dir_ / "added.eml").string());
  EXPECT_NE(text.out.find("\n  i=1 cv=none seal=relay.example/ed:pass ams=relay.example/ed:pass "
                          "aar=mx.relay.example (2 Subject fields, 1 signed)\n"),
            std::string::npos)
      << text.out;
  json = run(cli() + " arc verify --json --zone " + (dir_ / "zone.txt").string() + " " +
             (dir_ / "out.eml").string());
  EXPECT_NE(json.out.find("\"unsigned_duplicates\":null"), std::string::npos) << json.out;
}

// An AMS whose l= leaves text appended after sealing unsigned: the set's line says so, as dkim
// verify says it of a DKIM signature, and so does its JSON.
TEST_F(ArcCli, VerifySaysWhatLLeavesUnsigned) {
  std::ifstream key_file(dir_ / "key.pem", std::ios::binary);
  const std::string pem((std::istreambuf_iterator<char>(key_file)), {});
  SealOptions o;
  o.domain = "relay.example";
  o.selector = "ed";
  o.authserv_id = "mx.relay.example";
  o.key = dkim::PrivateKey::from_pem(pem).value();
  o.timestamp = 1700000000;
  const std::string sealed = testing::seal_with_body_length(
      "From: a@a.example\r\nTo: b@b.example\r\nSubject: hi\r\n\r\nbody\r\n", o, 6);
  ASSERT_FALSE(sealed.empty());
  write(dir_ / "appended.eml", sealed + "appended\r\n");
  CliRun text = run(cli() + " arc verify --zone " + (dir_ / "zone.txt").string() + " " +
                    (dir_ / "appended.eml").string());
  EXPECT_NE(text.out.find("\n  i=1 cv=none seal=relay.example/ed:pass ams=relay.example/ed:pass "
                          "aar=mx.relay.example (l= leaves 10 of 16 body bytes unsigned)\n"),
            std::string::npos)
      << text.out;
  CliRun json = run(cli() + " arc verify --json --zone " + (dir_ / "zone.txt").string() + " " +
                    (dir_ / "appended.eml").string());
  EXPECT_NE(json.out.find("\"unsigned_body\":\"l= leaves 10 of 16 body bytes unsigned\""),
            std::string::npos)
      << json.out;
  write(dir_ / "whole.eml", sealed);
  json = run(cli() + " arc verify --json --zone " + (dir_ / "zone.txt").string() + " " +
             (dir_ / "whole.eml").string());
  EXPECT_NE(json.out.find("\"result\":\"pass\""), std::string::npos) << json.out;
  EXPECT_NE(json.out.find("\"unsigned_body\":null"), std::string::npos) << json.out;

  // A Content-Type the AMS does not sign, with bytes after l=: a new boundary could hide the
  // signed text, and the set says so.
  write(dir_ / "typed.eml", "Content-Type: multipart/mixed; boundary=\"X\"\r\n" + sealed +
                                "--X\r\n\r\nnew\r\n--X--\r\n");
  text = run(cli() + " arc verify --zone " + (dir_ / "zone.txt").string() + " " +
             (dir_ / "typed.eml").string());
  EXPECT_NE(text.out.find("(l= leaves 19 of 25 body bytes unsigned and h= does not sign "
                          "Content-Type)\n"),
            std::string::npos)
      << text.out;
  json = run(cli() + " arc verify --json --zone " + (dir_ / "zone.txt").string() + " " +
             (dir_ / "typed.eml").string());
  EXPECT_NE(json.out.find("\"partial_body_risk\":\"h= does not sign Content-Type\""),
            std::string::npos)
      << json.out;
}

// A header section that cannot be read (more than 1000 fields before the ARC set) is a failed
// chain with the reason, never "none" (dkim verify says permerror for it).
TEST_F(ArcCli, UnreadableHeaderSectionFailsTheChain) {
  std::string padding;
  for (int i = 0; i < 1000; ++i) padding += "X-A: " + std::to_string(i) + "\n";
  std::ifstream in(dir_ / "in.eml", std::ios::binary);
  write(dir_ / "long.eml", padding + std::string((std::istreambuf_iterator<char>(in)), {}));
  CliRun verify = run(cli() + " arc verify --zone " + (dir_ / "zone.txt").string() + " " +
                      (dir_ / "long.eml").string());
  EXPECT_EQ(verify.status, 0);
  EXPECT_EQ(
      verify.out.rfind("arc=fail (message could not be read: more than 1000 header fields)", 0), 0u)
      << verify.out;
}

// A leading mbox separator ("From " ...) stays on top: below it the ARC set is header fields.
TEST_F(ArcCli, MboxSeparatorStaysOnTop) {
  std::ifstream in_file(dir_ / "in.eml", std::ios::binary);
  const std::string message((std::istreambuf_iterator<char>(in_file)), {});
  const std::string separator = "From a@a.example Mon Jan  1 00:00:00 2024\n";
  write(dir_ / "mbox.eml", separator + message);
  CliRun seal = run(cli() + " arc seal --key " + (dir_ / "key.pem").string() +
                    " --domain relay.example --selector ed --authserv-id mx.relay.example" +
                    " --timestamp 1700000000 --in " + (dir_ / "mbox.eml").string() + " > " +
                    (dir_ / "out.eml").string());
  ASSERT_EQ(seal.status, 0);
  std::ifstream out_file(dir_ / "out.eml", std::ios::binary);
  const std::string sealed((std::istreambuf_iterator<char>(out_file)), {});
  EXPECT_EQ(sealed.rfind(separator + "ARC-Seal: ", 0), 0u) << sealed;
  CliRun verify = run(cli() + " arc verify --zone " + (dir_ / "zone.txt").string() + " " +
                      (dir_ / "out.eml").string());
  EXPECT_EQ(verify.out.rfind("arc=pass (i=1)", 0), 0u) << verify.out;
}

// The ARC set takes the line end of the header section it joins: LF headers with a CRLF in the
// body got CRLF fields above LF ones.
TEST_F(ArcCli, SetFollowsTheHeaderLineEnds) {
  write(dir_ / "mixed.eml",
        "Authentication-Results: mx.relay.example; spf=pass smtp.mailfrom=a.example\n"
        "From: a@a.example\nSubject: hi\n\nline one\r\nline two\n");
  CliRun seal = run(cli() + " arc seal --key " + (dir_ / "key.pem").string() +
                    " --domain relay.example --selector ed --authserv-id mx.relay.example" +
                    " --timestamp 1700000000 --in " + (dir_ / "mixed.eml").string() + " > " +
                    (dir_ / "out.eml").string());
  ASSERT_EQ(seal.status, 0);
  std::ifstream out_file(dir_ / "out.eml", std::ios::binary);
  const std::string sealed((std::istreambuf_iterator<char>(out_file)), {});
  EXPECT_EQ(sealed.find('\r'), sealed.find("\r\nline two")) << sealed;
  CliRun verify = run(cli() + " arc verify --zone " + (dir_ / "zone.txt").string() + " " +
                      (dir_ / "out.eml").string());
  EXPECT_EQ(verify.out.rfind("arc=pass (i=1)", 0), 0u) << verify.out;
}

TEST_F(ArcCli, UsageErrors) {
  EXPECT_EQ(
      run(cli() + " arc seal --domain d.example --selector s --authserv-id x < /dev/null").status,
      2);
  EXPECT_EQ(run(cli() + " arc seal --key " + (dir_ / "key.pem").string() +
                " --domain relay.example --selector ed --authserv-id x --cv maybe < /dev/null")
                .status,
            2);
  EXPECT_EQ(run(cli() + " arc verify --zone /nonexistent " + (dir_ / "in.eml").string()).status, 2);
  // IPv6 is accepted, so the message must not say "IPv4".
  CliRun bad_ip = run("{ " + cli() + " arc verify --zone " + (dir_ / "zone.txt").string() +
                      " --remote-ip bogus " + (dir_ / "in.eml").string() + " 2>&1; }");
  EXPECT_EQ(bad_ip.status, 2);
  EXPECT_EQ(bad_ip.out, "senderauth: --remote-ip: 'bogus' is not an IP address\n");
  EXPECT_EQ(run(cli() + " arc verify --zone " + (dir_ / "zone.txt").string() +
                " --remote-ip 2001:db8::1 " + (dir_ / "in.eml").string())
                .status,
            0);
}

// --cv pass vouches for the chain: one that validates as fail is refused (exit 2), checked
// against the DNS the resolver options name. A chain whose newest seal says cv=fail is not
// continued (exit 1, the message passed through unchanged; RFC 8617 5.1 step 2).
TEST_F(ArcCli, SealingOverABrokenChain) {
  const std::string seal = cli() + " arc seal --key " + (dir_ / "key.pem").string() +
                           " --domain relay.example --selector ed --authserv-id mx.relay.example" +
                           " --zone " + (dir_ / "zone.txt").string() + " --timestamp 1700000000";
  ASSERT_EQ(run(seal + " --in " + (dir_ / "in.eml").string() + " > " + (dir_ / "one.eml").string())
                .status,
            0);
  std::ifstream in(dir_ / "one.eml", std::ios::binary);
  const std::string one((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(run(seal + " --cv pass --results arc=pass --in " + (dir_ / "one.eml").string()).status,
            0);

  std::string altered = one;
  altered.replace(altered.rfind("body\n"), 5, "altered\n");
  write(dir_ / "altered.eml", altered);
  const std::string on_altered = " --in " + (dir_ / "altered.eml").string();
  EXPECT_EQ(run(seal + " --cv pass --results arc=pass" + on_altered).status, 2);

  ASSERT_EQ(
      run(seal + " --results arc=fail" + on_altered + " > " + (dir_ / "two.eml").string()).status,
      0);
  std::ifstream in2(dir_ / "two.eml", std::ios::binary);
  const std::string two((std::istreambuf_iterator<char>(in2)), {});
  ASSERT_NE(two.find("cv=fail; d=relay.example; i=2"), std::string::npos) << two;
  const std::string on_two = " --in " + (dir_ / "two.eml").string();
  CliRun third = run(seal + " --results arc=fail" + on_two);
  EXPECT_EQ(third.status, 1);
  EXPECT_EQ(third.out, two);
  EXPECT_EQ(run(seal + " --cv fail --results arc=fail" + on_two).status, 1);
  EXPECT_EQ(run(seal + " --cv pass --results arc=pass" + on_two).status, 2);
}

// RFC 8617 4.1.2: the AMS must not sign Authentication-Results, as it must not sign ARC-Seal.
TEST_F(ArcCli, HeadersMustNotNameAuthenticationResults) {
  const std::string seal = cli() + " arc seal --key " + (dir_ / "key.pem").string() +
                           " --domain relay.example --selector ed --authserv-id mx.relay.example" +
                           " --in " + (dir_ / "in.eml").string() + " --headers from:subject:";
  EXPECT_EQ(run(seal + "authentication-results").status, 2);
  EXPECT_EQ(run(seal + "arc-seal").status, 2);
  EXPECT_EQ(run(seal + "to").status, 0);
  // A name that is no field name is refused, not written into h=: ';' would end the h= tag and
  // start others inside the signed tag list.
  const CliRun injected = run(seal + "'to;l=1'");
  EXPECT_EQ(injected.status, 2);
  EXPECT_EQ(injected.out, "");
  EXPECT_EQ(run(seal + "'x y'").status, 2);
  // A trailing root dot on --domain is the same name.
  const CliRun dotted =
      run(cli() + " arc seal --key " + (dir_ / "key.pem").string() +
          " --domain relay.example. --selector ed --authserv-id mx.relay.example" + " --in " +
          (dir_ / "in.eml").string());
  EXPECT_EQ(dotted.status, 0) << dotted.out;
  EXPECT_NE(dotted.out.find("d=relay.example;"), std::string::npos) << dotted.out;
}

// A blank authserv-id would write "ARC-Authentication-Results: i=1;  ; ...", naming no server.
TEST_F(ArcCli, AuthservIdMustBeAToken) {
  CliRun seal =
      run(cli() + " arc seal --key " + (dir_ / "key.pem").string() +
          " --domain relay.example --selector ed --authserv-id ' '" +
          " --results 'spf=pass smtp.mailfrom=a.example' < " + (dir_ / "in.eml").string());
  EXPECT_EQ(seal.status, 2);
  EXPECT_EQ(seal.out, "");
}

TEST_F(ArcCli, NothingToCopyPassesTheMessageThrough) {
  CliRun seal = run(cli() + " arc seal --key " + (dir_ / "key.pem").string() +
                    " --domain relay.example --selector ed --authserv-id mx.other.example < " +
                    (dir_ / "in.eml").string());
  EXPECT_EQ(seal.status, 1);
  EXPECT_EQ(seal.out.rfind("Authentication-Results: mx.relay.example", 0), 0u) << seal.out;
}

}  // namespace
}  // namespace senderauth::arc
