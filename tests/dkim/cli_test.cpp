// The `senderauth dkim` subcommands, run as a user would.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "support/conformance.hpp"

namespace {

namespace fs = std::filesystem;

struct CliRun {
  int status = -1;
  std::string out;
};

CliRun run(const std::string& args) {
  std::string cmd = std::string(SENDERAUTH_CLI_PATH) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  CliRun r;
  if (!p) return r;
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

struct TempDir {
  TempDir() {
    char tmpl[] = "/tmp/senderauth-dkim-cli-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string file(const std::string& name) const { return (path / name).string(); }
  fs::path path;
};

void write(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

const std::string kMessage =
    "From: Joe <joe@example.test>\nTo: x@example.org\nSubject: hi\n\nHello.\n";

// The key record printed by keygen, as one "name value" DNS line.
std::string dns_line(const std::string& keygen_output) {
  std::string name = keygen_output.substr(0, keygen_output.find(". IN TXT"));
  std::string value;
  for (std::size_t q = keygen_output.find('"'); q != std::string::npos;) {
    auto end = keygen_output.find('"', q + 1);
    value += keygen_output.substr(q + 1, end - q - 1);
    q = keygen_output.find('"', end + 1);
  }
  return name + " " + value + "\n";
}

TEST(DkimCli, KeygenSignVerifyRoundTrip) {
  TempDir dir;
  write(dir.file("msg.eml"), kMessage);
  std::string dns;
  for (std::string type : {"rsa", "ed25519"}) {
    std::string key = dir.file(type + ".pem");
    CliRun k = run("dkim keygen --type " + type + " --selector " + type +
                   " --domain example.test --out " + key);
    ASSERT_EQ(k.status, 0) << k.out;
    EXPECT_TRUE(k.out.starts_with(type + "._domainkey.example.test. IN TXT (")) << k.out;
    struct stat st {};
    ASSERT_EQ(stat(key.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600);
    // Every quoted string fits a TXT character-string.
    for (std::size_t q = k.out.find('"'); q != std::string::npos;) {
      auto end = k.out.find('"', q + 1);
      EXPECT_LE(end - q - 1, 255u);
      q = k.out.find('"', end + 1);
    }
    dns += dns_line(k.out);
  }
  write(dir.file("dns.txt"), dns);
  CliRun s = run("dkim sign --key " + dir.file("rsa.pem") + " --selector rsa --key " +
                 dir.file("ed25519.pem") + " --selector ed25519 --domain example.test --in " +
                 dir.file("msg.eml") + " > " + dir.file("signed.eml"));
  ASSERT_EQ(s.status, 0) << s.out;
  CliRun v = run("dkim verify --zone " + dir.file("dns.txt") + " " + dir.file("signed.eml"));
  ASSERT_EQ(v.status, 0) << v.out;
  EXPECT_TRUE(v.out.starts_with("pass d=example.test s=rsa a=rsa-sha256")) << v.out;
  EXPECT_NE(v.out.find("\npass d=example.test s=ed25519 a=ed25519-sha256"), std::string::npos)
      << v.out;
  CliRun j = run("dkim verify --json --zone " + dir.file("dns.txt") + " " + dir.file("signed.eml"));
  EXPECT_NE(j.out.find("\"result\":\"pass\""), std::string::npos) << j.out;
  EXPECT_NE(j.out.find("\"authentication_results\":\"dkim=pass"), std::string::npos) << j.out;
}

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// A private key is not recoverable: keygen refuses an existing --out path (a file, or a symlink
// that would have been followed) unless --force, which replaces it by rename, never writing
// through a symlink.
TEST(DkimCli, KeygenRefusesAnExistingFileUnlessForced) {
  TempDir dir;
  const std::string keygen = "dkim keygen --type ed25519 --selector s --domain example.test --out ";
  write(dir.file("old.pem"), "old key\n");
  CliRun k = run(keygen + dir.file("old.pem"));
  EXPECT_EQ(k.status, 2) << k.out;
  EXPECT_EQ(k.out, "senderauth: " + dir.file("old.pem") +
                       " exists: not overwritten (--force replaces it)\n");
  EXPECT_EQ(read(dir.file("old.pem")), "old key\n");

  write(dir.file("victim.txt"), "victim\n");
  fs::create_symlink(dir.file("victim.txt"), dir.file("link.pem"));
  k = run(keygen + dir.file("link.pem"));
  EXPECT_EQ(k.status, 2) << k.out;
  EXPECT_EQ(read(dir.file("victim.txt")), "victim\n");
  fs::create_symlink(dir.file("nowhere.txt"), dir.file("dangling.pem"));
  k = run(keygen + dir.file("dangling.pem"));
  EXPECT_EQ(k.status, 2) << k.out;
  EXPECT_FALSE(fs::exists(dir.file("nowhere.txt")));

  for (const char* name : {"old.pem", "link.pem"}) {
    k = run(keygen + dir.file(name) + " --force");
    ASSERT_EQ(k.status, 0) << k.out;
    EXPECT_TRUE(read(dir.file(name)).starts_with("-----BEGIN PRIVATE KEY-----")) << name;
    EXPECT_FALSE(fs::is_symlink(dir.file(name))) << name;
    struct stat st {};
    ASSERT_EQ(stat(dir.file(name).c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600) << name;
  }
  EXPECT_EQ(read(dir.file("victim.txt")), "victim\n");
  // No temporary file is left next to the keys.
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path)) ++files;
  EXPECT_EQ(files, 4u);  // old.pem, victim.txt, link.pem, dangling.pem
}

// OpenSSL's default for an encrypted PEM is to ask for the pass phrase on the terminal, which
// blocks an unattended signer: both encrypted forms (PKCS#8 and the traditional Proc-Type
// header) are refused with a reason instead, by every command that loads a private key.
TEST(DkimCli, EncryptedKeyIsRefusedWithoutAPrompt) {
  TempDir dir;
  write(dir.file("msg.eml"), kMessage);
  const std::string pkcs8 = dir.file("pkcs8.pem");
  const std::string traditional = dir.file("traditional.pem");
  const int made = std::system(("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 "
                                "-aes256 -pass pass:secret -out " +
                                pkcs8 + " 2>/dev/null && openssl pkey -in " + pkcs8 +
                                " -passin pass:secret -traditional -aes256 -passout pass:secret"
                                " -out " +
                                traditional + " 2>/dev/null")
                                   .c_str());
  if (made != 0) GTEST_SKIP() << "no openssl command to make an encrypted key";
  ASSERT_NE(read(traditional).find("Proc-Type: 4,ENCRYPTED"), std::string::npos);
  for (const auto& key : {pkcs8, traditional}) {
    for (const std::string command : {"dkim sign --selector s --domain example.test",
                                      "arc seal --selector s --domain "
                                      "example.test --authserv-id mx.test"}) {
      CliRun r = run(command + " --key " + key + " --in " + dir.file("msg.eml") + " </dev/null");
      EXPECT_EQ(r.status, 2) << command << ": " << r.out;
      EXPECT_EQ(r.out, "senderauth: " + key +
                           ": encrypted private keys are not supported (decrypt it with "
                           "openssl pkey)\n")
          << command;
    }
  }
}

// kMessage signed by `dkim sign FLAGS` with a new Ed25519 key published in dir's dns.txt, as
// dir's signed.eml; returned, or empty when a step failed.
std::string sign_with_new_key(const TempDir& dir, const std::string& flags) {
  write(dir.file("msg.eml"), kMessage);
  CliRun k = run("dkim keygen --type ed25519 --selector ed --domain example.test --out " +
                 dir.file("ed.pem"));
  EXPECT_EQ(k.status, 0) << k.out;
  write(dir.file("dns.txt"), dns_line(k.out));
  CliRun s = run("dkim sign --key " + dir.file("ed.pem") + " --selector ed --domain example.test " +
                 flags + " --in " + dir.file("msg.eml") + " > " + dir.file("signed.eml"));
  EXPECT_EQ(s.status, 0) << s.out;
  std::ifstream in(dir.file("signed.eml"), std::ios::binary);
  return k.status == 0 && s.status == 0 ? std::string(std::istreambuf_iterator<char>(in), {})
                                        : std::string();
}

TEST(DkimCli, UnsignedCopyOfASignedSubjectIsPolicyUnlessAccepted) {
  TempDir dir;
  const std::string signed_message = sign_with_new_key(dir, "--oversign none");
  ASSERT_FALSE(signed_message.empty());
  write(dir.file("added.eml"), "Subject: added\n" + signed_message);
  const std::string verify = "dkim verify --zone " + dir.file("dns.txt") + " ";
  EXPECT_TRUE(run(verify + dir.file("signed.eml")).out.starts_with("pass d=example.test"));
  CliRun v = run(verify + dir.file("added.eml"));
  EXPECT_EQ(v.status, 0);
  EXPECT_TRUE(v.out.starts_with("policy d=example.test")) << v.out;
  EXPECT_NE(v.out.find("(verified, but 2 Subject fields, 1 signed: readers may show an unsigned "
                       "copy (RFC 6376 8.15))"),
            std::string::npos)
      << v.out;
  v = run(verify + "--accept-unsigned-duplicates " + dir.file("added.eml"));
  EXPECT_TRUE(v.out.starts_with("pass d=example.test")) << v.out;
  EXPECT_NE(v.out.find("(ed25519 key; 2 Subject fields, 1 signed)"), std::string::npos) << v.out;
}

// A message signed with l= and no Content-Type, replayed with a Content-Type of a new boundary
// and an appended part: readers show only that part. policy by default; the two flags choose.
// (dkim sign oversigns Content-Type unless told not to: then the added field breaks the
// signature.)
TEST(DkimCli, PartialBodyWithAnUnsignedContentTypeIsPolicyUnlessAccepted) {
  TempDir dir;
  const std::string signed_message = sign_with_new_key(dir, "--body-length --oversign none");
  ASSERT_FALSE(signed_message.empty());
  write(dir.file("forged.eml"), "Content-Type: multipart/mixed; boundary=\"EVIL\"\n" +
                                    signed_message +
                                    "--EVIL\nContent-Type: text/plain\n\nLog in now.\n--EVIL--\n");
  const std::string verify = "dkim verify --zone " + dir.file("dns.txt") + " ";
  CliRun v = run(verify + dir.file("forged.eml"));
  EXPECT_EQ(v.status, 0);
  EXPECT_TRUE(v.out.starts_with("policy d=example.test")) << v.out;
  EXPECT_NE(v.out.find("(verified, but l= leaves 59 of 67 body bytes unsigned and h= does not "
                       "sign Content-Type: what is appended can hide the signed text (RFC "
                       "6376 8.2))"),
            std::string::npos)
      << v.out;
  v = run(verify + "--accept-partial-body " + dir.file("forged.eml"));
  EXPECT_TRUE(v.out.starts_with("pass d=example.test")) << v.out;
  v = run(verify + "--refuse-partial-body " + dir.file("forged.eml"));
  EXPECT_NE(v.out.find("(verified, but l= leaves 59 of 67 body bytes unsigned)"), std::string::npos)
      << v.out;
  v = run(verify + "--refuse-partial-body --accept-partial-body " + dir.file("forged.eml"));
  EXPECT_EQ(v.status, 2);
  EXPECT_NE(v.out.find("--refuse-partial-body excludes --accept-partial-body"), std::string::npos)
      << v.out;
}

// A domain or selector given in U-labels is published and signed under its A-labels.
TEST(DkimCli, InternationalisedNamesBecomeALabels) {
  TempDir dir;
  CliRun k =
      run("dkim keygen --type ed25519 --selector 'S\xc3\xa9l' --domain 'b\xc3\xbc"
          "cher.example' --out " +
          dir.file("ed.pem"));
  ASSERT_EQ(k.status, 0) << k.out;
  EXPECT_TRUE(k.out.starts_with("xn--sl-bja._domainkey.xn--bcher-kva.example. IN TXT (")) << k.out;
  write(dir.file("dns.txt"), dns_line(k.out));
  write(dir.file("msg.eml"),
        "From: j@b\xc3\xbc"
        "cher.example\nSubject: hi\n\nHello.\n");
  CliRun s = run("dkim sign --key " + dir.file("ed.pem") +
                 " --selector 'S\xc3\xa9l' --domain 'b\xc3\xbc"
                 "cher.example' --in " +
                 dir.file("msg.eml") + " > " + dir.file("signed.eml"));
  ASSERT_EQ(s.status, 0) << s.out;
  CliRun v = run("dkim verify --zone " + dir.file("dns.txt") + " " + dir.file("signed.eml"));
  EXPECT_TRUE(v.out.starts_with("pass d=xn--bcher-kva.example s=xn--sl-bja a=ed25519-sha256"))
      << v.out;
  CliRun bad =
      run("dkim keygen --type ed25519 --selector s --domain 'a\xe2\x80\x8d"
          "b.example' --out " +
          dir.file("bad.pem"));
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.out.find("invalid domain"), std::string::npos) << bad.out;
}

TEST(DkimCli, UnsignedMessagePrintsNone) {
  TempDir dir;
  write(dir.file("msg.eml"), kMessage);
  write(dir.file("dns.txt"), "# empty\n");
  CliRun v = run("dkim verify --zone " + dir.file("dns.txt") + " " + dir.file("msg.eml"));
  EXPECT_EQ(v.status, 0);
  EXPECT_EQ(v.out, "none\n");
}

// A signature's tags are the sender's text: whatever they hold, each result is one line, so a
// script reading the output cannot be handed a forged "pass d=bank.example" line.
TEST(DkimCli, EachResultIsOneLineWhateverTheTagsHold) {
  TempDir dir;
  write(dir.file("msg.eml"),
        "DKIM-Signature: v=1; a=rsa-sha256; d=attacker.example; s=sel\r\n"
        " pass d=bank.example; h=from; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=AAAA\r\n"
        "DKIM-Signature: v=1; a=rsa-sha256; d=attacker.example; s=sel;\r\n"
        " i==0D=0Apass=20d=3Dbank.example=0D=0Ax@attacker.example; h=from;\r\n"
        " bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=AAAA\r\n" +
            std::string(kMessage));
  write(dir.file("dns.txt"), "# empty\n");
  CliRun v = run("dkim verify --zone " + dir.file("dns.txt") + " " + dir.file("msg.eml"));
  EXPECT_EQ(v.status, 0);
  EXPECT_EQ(std::count(v.out.begin(), v.out.end(), '\n'), 2) << v.out;
  EXPECT_EQ(v.out.find('\r'), std::string::npos) << v.out;
  EXPECT_EQ(v.out.find("\npass"), std::string::npos) << v.out;
  EXPECT_EQ(v.out.rfind("neutral d=attacker.example s=sel?? pass d=bank.example ", 0), 0u) << v.out;
  EXPECT_NE(v.out.find("\nneutral d=attacker.example s=sel a=rsa-sha256 b=AAAA "
                       "i==0D=0Apass=20d=3Dbank.example=0D=0Ax@attacker.example (signature "
                       "syntax: i= has a control character in its local part)\n"),
            std::string::npos)
      << v.out;
}

// A header section that cannot be read (here: more than 1000 fields) before any DKIM-Signature
// is reached hides whatever signatures follow: the message is permerror with the reason, not
// "none", which says there is nothing to verify. A signature found before the limit is reported
// as before.
TEST(DkimCli, UnreadableHeaderSectionIsNotNone) {
  TempDir dir;
  std::string padding;
  for (int i = 0; i < 1000; ++i) padding += "X-A: " + std::to_string(i) + "\n";
  const std::string signature =
      "DKIM-Signature: v=1; a=rsa-sha256; d=example.test; s=sel; h=from; bh=AAAA; b=AAAA\n";
  write(dir.file("last.eml"), padding + signature + kMessage);
  write(dir.file("first.eml"), signature + padding + kMessage);
  write(dir.file("dns.txt"), "# empty\n");
  CliRun v = run("dkim verify --zone " + dir.file("dns.txt") + " " + dir.file("last.eml"));
  EXPECT_EQ(v.status, 0);
  EXPECT_EQ(v.out, "permerror (message not readable: more than 1000 header fields)\n");
  v = run("dkim verify --json --zone " + dir.file("dns.txt") + " " + dir.file("last.eml"));
  EXPECT_NE(v.out.find("\"reason\":\"message not readable: more than 1000 header fields\","
                       "\"result\":\"permerror\",\"results\":[]}"),
            std::string::npos)
      << v.out;
  v = run("dkim verify --zone " + dir.file("dns.txt") + " " + dir.file("first.eml"));
  EXPECT_EQ(v.out,
            "permerror d=example.test s=sel a=rsa-sha256 b=AAAA (message not readable: more than "
            "1000 header fields)\n");
}

TEST(DkimCli, VerifiesRfc8463AtAFixedTime) {
  SENDERAUTH_NEED_CONFORMANCE("dkim/rfc8463");
  auto dir = senderauth::testing::conformance_path("dkim/rfc8463");
  CliRun v = run("dkim verify --now 1528637909 --zone " + (dir / "dns.txt").string() + " " +
                 (dir / "signed.eml").string());
  EXPECT_EQ(v.status, 0);
  EXPECT_TRUE(v.out.starts_with("pass d=football.example.com s=brisbane a=ed25519-sha256"))
      << v.out;
  EXPECT_NE(v.out.find("\npass d=football.example.com s=test a=rsa-sha256"), std::string::npos);
}

// The demo key, for tests that only need a signature that verifies.
const std::string kDemoDir = std::string(SENDERAUTH_SOURCE_DIR) + "/demo";
const std::string kDemoKey = " --key " + kDemoDir + "/keys/demo-rsa.example.test.pem" +
                             " --domain example.test --selector demo-rsa";
const std::string kDemoZone = " --zone " + kDemoDir + "/zone/demo.zone";

// The reader skips a leading mbox separator ("From " ...): the signature goes after it, where
// it is a header field, not above it, where the separator would end up in the header section.
TEST(DkimCli, MboxSeparatorStaysOnTop) {
  TempDir dir;
  const std::string separator = "From joe@example.test Mon Jan  1 00:00:00 2024\n";
  write(dir.file("mbox.eml"), separator + kMessage);
  CliRun s = run("dkim sign" + kDemoKey + " --timestamp 1795429000 --in " + dir.file("mbox.eml") +
                 " > " + dir.file("signed.eml"));
  ASSERT_EQ(s.status, 0) << s.out;
  std::ifstream in(dir.file("signed.eml"), std::ios::binary);
  const std::string signed_text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_TRUE(signed_text.starts_with(separator + "DKIM-Signature: ")) << signed_text;
  CliRun v = run("dkim verify" + kDemoZone + " --now 1795430000 " + dir.file("signed.eml"));
  EXPECT_TRUE(v.out.starts_with("pass d=example.test")) << v.out;
}

// An internationalised message (RFC 6532) keeps a UTF-8 i= in the clause `verify --json`
// prints, as check's field does; an ASCII message gets '?' for such bytes.
TEST(DkimCli, InternationalisedMessageKeepsUtf8InItsClause) {
  TempDir dir;
  write(dir.file("u.eml"), "From: J\xc3\xb6rg <j\xc3\xb6rg@example.test>\nSubject: hi\n\nhi\n");
  CliRun s = run("dkim sign" + kDemoKey +
                 " --timestamp 1795429000 --identity 'j\xc3\xb6rg@example.test' --in " +
                 dir.file("u.eml") + " > " + dir.file("signed.eml"));
  ASSERT_EQ(s.status, 0) << s.out;
  CliRun v = run("dkim verify --json" + kDemoZone + " " + dir.file("signed.eml"));
  // Whole, as check writes it: UTF-8 is atext in an internationalised message (RFC 6532).
  EXPECT_NE(v.out.find("header.i=j\xc3\xb6rg@example.test"), std::string::npos) << v.out;
}

// RFC 6376 3.5: t= and x= are 1*12DIGIT, and x= MUST be greater than t=.
TEST(DkimCli, SignatureTimesOutOfRangeAreRefused) {
  TempDir dir;
  write(dir.file("msg.eml"), kMessage);
  const std::string sign = "dkim sign" + kDemoKey + " --in " + dir.file("msg.eml");
  for (const char* bad :
       {" --timestamp=-5", " --timestamp 1000000000000", " --timestamp 1700000000 --expire-after 0",
        " --timestamp 1700000000 --expire-after=-100",
        " --timestamp 1700000000 --expire-after 9223372036854775807"}) {
    CliRun r = run(sign + bad);
    EXPECT_EQ(r.status, 2) << bad << ": " << r.out;
    EXPECT_TRUE(r.out.starts_with("senderauth: ")) << r.out;
  }
  CliRun ok = run(sign + " --timestamp 1700000000 --expire-after 1");
  EXPECT_EQ(ok.status, 0) << ok.out;
  EXPECT_NE(ok.out.find("x=1700000001;"), std::string::npos) << ok.out;
}

// A verifier finds the signature it checks among the DKIM-Signature fields, the signer cannot:
// an oversigned DKIM-Signature would never verify, so it is refused. Signing an earlier
// signature through --headers stays possible, and verifies.
TEST(DkimCli, DkimSignatureCannotBeOversigned) {
  TempDir dir;
  write(dir.file("msg.eml"), kMessage);
  CliRun r =
      run("dkim sign" + kDemoKey + " --oversign from:DKIM-Signature --in " + dir.file("msg.eml"));
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_EQ(r.out,
            "senderauth: DKIM-Signature cannot be oversigned: a signature is never in its own h= "
            "(RFC 6376 3.5), so it could not verify\n");
  CliRun once = run("dkim sign" + kDemoKey + " --timestamp 1795429000 --in " + dir.file("msg.eml") +
                    " > " + dir.file("once.eml"));
  ASSERT_EQ(once.status, 0) << once.out;
  CliRun twice = run("dkim sign" + kDemoKey +
                     " --timestamp 1795429000 --headers from:subject:dkim-signature --in " +
                     dir.file("once.eml") + " > " + dir.file("twice.eml"));
  ASSERT_EQ(twice.status, 0) << twice.out;
  EXPECT_NE(read(dir.file("twice.eml")).find("h=from:from:subject:subject:dkim-signature:"),
            std::string::npos)
      << read(dir.file("twice.eml"));
  CliRun v = run("dkim verify" + kDemoZone + " --now 1795430000 " + dir.file("twice.eml"));
  EXPECT_EQ(v.out.find("pass d=example.test"), 0u) << v.out;
  EXPECT_NE(v.out.find("\npass d=example.test"), std::string::npos) << v.out;
}

// h= names are trimmed, checked and de-duplicated: a ';' would smuggle tags into the signed
// tag list, a name with a space was silently dropped, and a repeated name was hashed twice as
// often as the message had it.
TEST(DkimCli, SignedHeaderNamesAreCheckedAndDeduplicated) {
  TempDir dir;
  write(dir.file("msg.eml"), kMessage);
  const std::string sign =
      "dkim sign" + kDemoKey + " --timestamp 1795429000 --in " + dir.file("msg.eml");
  CliRun r = run(sign + " --oversign 'x;l=1;bh=AAAA'");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_EQ(r.out,
            "senderauth: invalid header field name \"x;l=1;bh=AAAA\" (printable ASCII, no ':' or "
            "';')\n");
  r = run(sign + " --headers 'from: subject :x y'");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("invalid header field name \"x y\""), std::string::npos) << r.out;
  r = run(sign + " --headers 'from:\x7f'");
  EXPECT_EQ(r.status, 2) << r.out;

  r = run(sign + " --headers 'from:from:From: subject ' --oversign none > " +
          dir.file("signed.eml"));
  ASSERT_EQ(r.status, 0) << r.out;
  const std::string signed_text = read(dir.file("signed.eml"));
  EXPECT_NE(signed_text.find("\th=from:subject;\n"), std::string::npos) << signed_text;
  CliRun v = run("dkim verify" + kDemoZone + " --now 1795430000 " + dir.file("signed.eml"));
  EXPECT_EQ(v.out.find("pass d=example.test"), 0u) << v.out;

  // Oversigning keeps its count: present fields once each, plus one.
  r = run(sign + " --headers from:to --oversign 'SUBJECT:subject: To'");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("\th=from:to:to:subject:subject;\n"), std::string::npos) << r.out;
}

// s= names one key record: two different keys under one selector give signatures of which at
// most one can verify, so each key needs its own --selector. The same key twice may share one.
TEST(DkimCli, DifferentKeysNeedOneSelectorEach) {
  TempDir dir;
  write(dir.file("msg.eml"), kMessage);
  const std::string rsa = " --key " + kDemoDir + "/keys/demo-rsa.example.test.pem";
  const std::string ed = " --key " + kDemoDir + "/keys/demo-ed.example.test.pem";
  const std::string rest =
      " --domain example.test --timestamp 1795429000 --in " + dir.file("msg.eml");
  CliRun r = run("dkim sign" + rsa + ed + " --selector demo-rsa" + rest);
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_EQ(r.out,
            "senderauth: the --key files hold different keys: give one --selector per --key, in "
            "--key order (s= names one key record)\n");
  r = run("dkim sign" + rsa + ed + " --selector a --selector b --selector c" + rest);
  EXPECT_EQ(r.status, 2) << r.out;
  r = run("dkim sign" + rsa + rsa + " --selector demo-rsa" + rest + " > " + dir.file("signed.eml"));
  ASSERT_EQ(r.status, 0) << r.out;
  CliRun v = run("dkim verify" + kDemoZone + " --now 1795430000 " + dir.file("signed.eml"));
  EXPECT_EQ(v.out.find("pass d=example.test s=demo-rsa"), 0u) << v.out;
  EXPECT_NE(v.out.find("\npass d=example.test s=demo-rsa"), std::string::npos) << v.out;
}

// RFC 5322 2.1.1: lines SHOULD stay within 78 characters and MUST within 998. The first line
// (v= a= c= d= s=) folds between tags like the others, and i= has a bounded local part.
TEST(DkimCli, SignatureLinesStayShort) {
  TempDir dir;
  const std::string domain = "a-rather-long-subdomain.of-an-organisation.example";
  const std::string selector = "selector-of-twenty-eight-ch";
  CliRun k = run("dkim keygen --type ed25519 --selector " + selector + " --domain " + domain +
                 " --out " + dir.file("ed.pem"));
  ASSERT_EQ(k.status, 0) << k.out;
  write(dir.file("dns.txt"), dns_line(k.out));
  write(dir.file("msg.eml"), "From: j@" + domain + "\nSubject: hi\n\nHello.\n");
  const std::string sign = "dkim sign --key " + dir.file("ed.pem") + " --selector " + selector +
                           " --domain " + domain + " --timestamp 1795429000 --in " +
                           dir.file("msg.eml");
  CliRun s = run(sign + " --identity joe@" + domain + " > " + dir.file("signed.eml"));
  ASSERT_EQ(s.status, 0) << s.out;
  const std::string signed_text = read(dir.file("signed.eml"));
  const std::string field = signed_text.substr(0, signed_text.find("\nFrom:"));
  for (std::size_t start = 0; start < field.size();) {
    const std::size_t end = std::min(field.find('\n', start), field.size());
    EXPECT_LE(end - start, 78u) << field.substr(start, end - start);
    start = end + 1;
  }
  EXPECT_TRUE(
      field.starts_with("DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed;\n\td=" + domain +
                        ";\n\ts=" + selector + "; t=1795429000;\n\ti=joe@" + domain + ";\n\th="))
      << field;
  CliRun v = run("dkim verify --now 1795430000 --zone " + dir.file("dns.txt") + " " +
                 dir.file("signed.eml"));
  EXPECT_EQ(v.out.find("pass d=" + domain), 0u) << v.out;

  // A tag is never folded inside, so i= is as long as the address: its local part is bounded.
  s = run(sign + " --identity " + std::string(64, 'x') + "@" + domain);
  EXPECT_EQ(s.status, 0) << s.out;
  s = run(sign + " --identity " + std::string(65, 'x') + "@" + domain);
  EXPECT_EQ(s.status, 2) << s.out;
  EXPECT_EQ(s.out, "senderauth: i= local part of 65 octets: at most 64 (RFC 5321 4.5.3.1.1)\n");
}

// The signature fields take the line end of the header section they join: LF headers with a
// CRLF somewhere in the body got CRLF fields above LF ones. CRLF headers keep CRLF fields.
TEST(DkimCli, SignatureFollowsTheHeaderLineEnds) {
  TempDir dir;
  const std::string body = "\nline one\r\nline two\n";
  const std::string headers = "From: Joe <joe@example.test>\nSubject: hi\n";
  write(dir.file("lf.eml"), headers + body);
  CliRun s = run("dkim sign" + kDemoKey + " --timestamp 1795429000 --in " + dir.file("lf.eml") +
                 " > " + dir.file("lf-signed.eml"));
  ASSERT_EQ(s.status, 0) << s.out;
  const std::string lf_signed = read(dir.file("lf-signed.eml"));
  EXPECT_EQ(lf_signed.find('\r'), lf_signed.find("\r\nline two")) << lf_signed;
  CliRun v = run("dkim verify" + kDemoZone + " --now 1795430000 " + dir.file("lf-signed.eml"));
  EXPECT_EQ(v.out.find("pass d=example.test"), 0u) << v.out;

  write(dir.file("crlf.eml"), "From: Joe <joe@example.test>\r\nSubject: hi\r\n\r\nbody\n");
  s = run("dkim sign" + kDemoKey + " --timestamp 1795429000 --in " + dir.file("crlf.eml"));
  ASSERT_EQ(s.status, 0) << s.out;
  EXPECT_EQ(s.out.find("\n"), s.out.find("\r\n") + 1) << s.out;
  EXPECT_NE(s.out.find(";\r\n\th="), std::string::npos) << s.out;
}

// dkimpy keeps an Ed25519 private key as the base64 of its 32-byte seed: such a file signs as
// the PEM of the same key does (Ed25519 signatures are deterministic: the same bytes).
TEST(DkimCli, SignsWithABase64Ed25519Seed) {
  TempDir dir;
  write(dir.file("msg.eml"), kMessage);
  CliRun k = run("dkim keygen --type ed25519 --selector ed --domain example.test --out " +
                 dir.file("ed.pem"));
  ASSERT_EQ(k.status, 0) << k.out;
  write(dir.file("dns.txt"), dns_line(k.out));
  // As README says to make one from our PEM.
  if (std::system(("openssl pkey -in " + dir.file("ed.pem") + " -outform DER | tail -c 32 | " +
                   "base64 > " + dir.file("ed.seed"))
                      .c_str()) != 0) {
    GTEST_SKIP() << "no openssl command";
  }
  write(dir.file("padded.seed"), "  " + read(dir.file("ed.seed")) + "\n\n");
  const std::string sign = "dkim sign --selector ed --domain example.test --timestamp 1795429000 " +
                           std::string("--in ") + dir.file("msg.eml") + " --key ";
  CliRun pem = run(sign + dir.file("ed.pem"));
  ASSERT_EQ(pem.status, 0) << pem.out;
  CliRun seed = run(sign + dir.file("padded.seed") + " > " + dir.file("signed.eml"));
  ASSERT_EQ(seed.status, 0) << seed.out;
  EXPECT_EQ(read(dir.file("signed.eml")), pem.out);
  CliRun v = run("dkim verify --now 1795430000 --zone " + dir.file("dns.txt") + " " +
                 dir.file("signed.eml"));
  EXPECT_EQ(v.out.find("pass d=example.test s=ed a=ed25519-sha256"), 0u) << v.out;

  write(dir.file("short.seed"), std::string(42, 'A') + "==\n");  // 31 bytes
  CliRun bad = run(sign + dir.file("short.seed"));
  EXPECT_EQ(bad.status, 2) << bad.out;
  EXPECT_EQ(bad.out, "senderauth: " + dir.file("short.seed") +
                         ": not a PEM private key (PKCS#1 or PKCS#8, unencrypted) nor a base64 "
                         "Ed25519 seed\n");
}

// Small usage points: an algorithm that does not fit the key names the key file; --bits means
// nothing for Ed25519 and is refused as such; an absolute domain ("example.test.") is the same
// domain; an empty --headers or --oversign (an unset variable, likely) is refused rather than
// taken for the default list.
TEST(DkimCli, SmallUsagePoints) {
  TempDir dir;
  write(dir.file("msg.eml"), kMessage);
  const std::string rsa_key = kDemoDir + "/keys/demo-rsa.example.test.pem";
  const std::string sign = "dkim sign --key " + rsa_key + " --selector demo-rsa" +
                           " --timestamp 1795429000 --in " + dir.file("msg.eml");
  CliRun r = run(sign + " --domain example.test --algorithm ed25519-sha256");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_EQ(r.out, "senderauth: " + rsa_key +
                       ": ed25519-sha256 needs an Ed25519 key, and this is an RSA key\n");

  for (const char* bits : {" --bits 512", " --bits 2048"}) {
    r = run("dkim keygen --type ed25519 --selector s --domain example.test --out " +
            dir.file("ed.pem") + bits);
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_EQ(r.out, "senderauth: --bits is for RSA keys: an Ed25519 key has one size\n");
  }

  r = run("dkim keygen --type ed25519 --selector s --domain example.test. --out " +
          dir.file("ed.pem"));
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_TRUE(r.out.starts_with("s._domainkey.example.test. IN TXT (")) << r.out;
  r = run(sign + " --domain example.test. > " + dir.file("signed.eml"));
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(read(dir.file("signed.eml")).find(" d=example.test;"), std::string::npos);
  CliRun v = run("dkim verify" + kDemoZone + " --now 1795430000 " + dir.file("signed.eml"));
  EXPECT_EQ(v.out.find("pass d=example.test s=demo-rsa"), 0u) << v.out;
  r = run(sign + " --domain example.test..");
  EXPECT_EQ(r.status, 2) << r.out;

  r = run(sign + " --domain example.test --oversign ''");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_EQ(r.out, "senderauth: --oversign is empty: give header names, or none\n");
  r = run(sign + " --domain example.test --headers ''");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_EQ(r.out,
            "senderauth: --headers is empty: give header names (or leave it out for the "
            "default)\n");
}

// The default oversign list leaves out Date and Message-ID, which MTAs add to a message that
// lacks them (Postfix does for local submissions), and Sender, which mailing lists add:
// adding them after signing no longer breaks the signature. A field that changes what the reader
// sees or how the body renders, such as a Content-Type added to a message without one, still does.
TEST(DkimCli, DefaultOversigningLetsAnMtaAddDateAndMessageIdAndAListSender) {
  TempDir dir;
  write(dir.file("msg.eml"), kMessage);  // no Date, Message-ID, MIME-Version or Content-Type
  CliRun s = run("dkim sign" + kDemoKey + " --timestamp 1795429000 --in " + dir.file("msg.eml") +
                 " > " + dir.file("signed.eml"));
  ASSERT_EQ(s.status, 0) << s.out;
  const std::string signed_text = read(dir.file("signed.eml"));
  EXPECT_NE(signed_text.find("h=from:from:reply-to:subject:subject:to:to:cc:mime-version:"),
            std::string::npos)
      << signed_text;
  const std::string verify = "dkim verify" + kDemoZone + " --now 1795430000 ";
  const std::size_t body = signed_text.find("\n\n") + 1;
  write(dir.file("mta.eml"), signed_text.substr(0, body) +
                                 "Date: Mon, 23 Nov 2026 10:00:00 +0000\n"
                                 "Message-ID: <added@mta.example.test>\n" +
                                 signed_text.substr(body));
  CliRun v = run(verify + dir.file("mta.eml"));
  EXPECT_EQ(v.out.find("pass d=example.test"), 0u) << v.out;
  write(dir.file("html.eml"),
        signed_text.substr(0, body) + "Content-Type: text/html\n" + signed_text.substr(body));
  v = run(verify + dir.file("html.eml"));
  EXPECT_EQ(v.out.find("fail d=example.test"), 0u) << v.out;
  // A mailing list that adds only Sender and List-* fields (Mailman 2's default) keeps it valid.
  write(dir.file("list.eml"),
        "Sender: team-bounces@lists.example.test\n" + signed_text.substr(0, body) +
            "List-Id: <team.lists.example.test>\n" + signed_text.substr(body));
  v = run(verify + dir.file("list.eml"));
  EXPECT_EQ(v.out.find("pass d=example.test"), 0u) << v.out;

  // A Date present when signing is signed; a second one added later is an unsigned duplicate.
  write(dir.file("dated.eml"), "Date: Mon, 23 Nov 2026 09:00:00 +0000\n" + kMessage);
  s = run("dkim sign" + kDemoKey + " --timestamp 1795429000 --in " + dir.file("dated.eml") + " > " +
          dir.file("dated-signed.eml"));
  ASSERT_EQ(s.status, 0) << s.out;
  write(dir.file("redated.eml"),
        "Date: Tue, 24 Nov 2026 09:00:00 +0000\n" + read(dir.file("dated-signed.eml")));
  v = run(verify + dir.file("redated.eml"));
  EXPECT_EQ(v.out.find("policy d=example.test"), 0u) << v.out;
}

TEST(DkimCli, UsageErrorsExitTwo) {
  EXPECT_EQ(run("dkim verify").status, 2);
  EXPECT_EQ(run("dkim verify --zone /nonexistent/dns.txt /nonexistent.eml").status, 2);
  EXPECT_EQ(run("dkim keygen --type dsa --selector s --domain d.test --out /tmp/x").status, 2);
  CliRun s = run("dkim sign --key /nonexistent.pem --selector s --domain example.test");
  EXPECT_EQ(s.status, 2);
  EXPECT_TRUE(s.out.starts_with("senderauth: ")) << s.out;
}

// fopen() opens a directory on Linux and only the read fails: that must not pass for an empty
// message ("none") or an empty key.
TEST(DkimCli, DirectoryIsAnErrorNotAnEmptyInput) {
  TempDir dir;
  write(dir.file("dns.txt"), "# empty\n");
  CliRun v = run("dkim verify --zone " + dir.file("dns.txt") + " " + dir.path.string());
  EXPECT_EQ(v.status, 2);
  EXPECT_EQ(v.out, "senderauth: " + dir.path.string() + ": Is a directory\n");
  CliRun s = run("dkim sign --key " + dir.path.string() + " --selector s --domain example.test" +
                 " --in " + dir.file("dns.txt"));
  EXPECT_EQ(s.status, 2);
  EXPECT_EQ(s.out, "senderauth: " + dir.path.string() + ": Is a directory\n");
}

}  // namespace
