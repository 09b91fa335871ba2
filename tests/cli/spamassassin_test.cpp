// SpamAssassin (Debian's 4.0) as a consumer of the fields `senderauth check` writes: its SPF
// plugin reuses a Received-SPF field and the spf= clauses of an Authentication-Results field
// that an internal host added, instead of asking the DNS itself. Both must be read as we meant
// them: the MAIL FROM result from Received-SPF, the HELO result from Authentication-Results.
// SpamAssassin runs in a private network namespace, where only loopback exists, so none of its
// other rules can reach a resolver.
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "cli_runner.hpp"
#include "support/conformance.hpp"
#include "support/peer.hpp"
#include "support/scratch_dir.hpp"

namespace senderauth::testing {
namespace {

const std::string kDemo = std::string(SENDERAUTH_SOURCE_DIR) + "/demo";

bool spamassassin_usable() {
  static const bool ok =
      command_succeeds("command -v spamassassin") && command_succeeds("unshare --net true");
  return ok;
}

struct Case {
  std::string ip, helo, mail_from;
  std::string mailfrom_result, rule;  // what SpamAssassin should reuse, and the rule it fires
};

TEST(SpamAssassin, ReusesOurSpfResultsAsWritten) {
  SENDERAUTH_NEED_PEER(spamassassin_usable(), "spamassassin (and unshare --net, as root)");
  ScratchDir dir("senderauth-spamassassin");
  const Case cases[] = {
      {"192.0.2.25", "mail.example.test", "alice@example.test", "pass", "SPF_PASS"},
      // A client example.test's SPF record does not list; its HELO name's own record passes.
      {"203.0.113.66", "mx.attacker.example", "alice@example.test", "fail", "SPF_FAIL"},
      // The record's matching mechanism, quoted in Received-SPF, holds "identity=helo".
      // SpamAssassin takes the field's last "identity=", so ours must come after it.
      {"192.0.2.25", "mail.example.test", "bounce@evil.example", "pass", "SPF_PASS"},
  };
  const std::string zone = dir.write(
      "zone", read_file_bytes(kDemo + "/zone/demo.zone") +
                  "\nevil.example. 300 IN TXT \"v=spf1 exists:identity=helo.evil.example -all\"\n"
                  "identity=helo.evil.example. 300 IN A 127.0.0.2\n");
  for (const Case& c : cases) {
    SCOPED_TRACE(c.ip);
    const std::string message = kDemo + "/messages/1-all-pass.eml";
    const CliRun checked = run_cli("check --zone " + zone + " --now 1795430000 --authserv-id " +
                                   "mx.example.net --ip " + c.ip + " --helo " + c.helo +
                                   " --mail-from " + c.mail_from + " " + message);
    ASSERT_EQ(checked.exit_code, 0) << checked.err;
    // The fields to add are what precedes the verdict line.
    const std::string fields = checked.out.substr(0, checked.out.find("verdict:"));
    ASSERT_NE(fields.find("Received-SPF: " + c.mailfrom_result), std::string::npos) << fields;
    const std::string received = "Received: from " + c.helo + " ([" + c.ip +
                                 "])\n\tby mx.example.net (Postfix) with ESMTP id 1;"
                                 " Tue, 24 Nov 2026 09:00:00 +0000\n";
    const std::string path = dir.write("in.eml", fields + received + read_file_bytes(message));
    const std::string out =
        run_shell("HOME=" + dir.path().string() + " unshare --net spamassassin -x -D spf" +
                  " --cf='skip_rbl_checks 1' --cf='use_bayes 0' -t < " + path);
    EXPECT_NE(out.find("re-using mfrom result from Received-SPF header: " + c.mailfrom_result),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("re-using helo result from Authentication-Results header: pass"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find(" " + c.rule + " "), std::string::npos) << out;
    EXPECT_NE(out.find(" SPF_HELO_PASS "), std::string::npos) << out;
  }
}

// SpamAssassin's AuthRes plugin reads the results of a trusted authserv-id from our field. Its
// comment reader takes a backslash-escaped parenthesis for an opening one: a HELO such as
// "mx(.attacker.example", written into the spf= comment as "mx\\(", made it drop the whole
// field ("comment not ended"), dmarc=fail included. Our comments have no quoted-pairs.
TEST(SpamAssassin, ReadsOurFieldWhateverTheHeloHolds) {
  SENDERAUTH_NEED_PEER(spamassassin_usable(), "spamassassin (and unshare --net, as root)");
  ScratchDir dir("senderauth-spamassassin-authres");
  const std::string message = kDemo + "/messages/2-spoofed-from.eml";
  // The HELO in comments, and MAIL FROM local parts that are no dot-atom (SpamAssassin drops a
  // field holding "x"@attacker.example: they are written as @attacker.example).
  const std::pair<std::string, std::string> envelopes[] = {
      {"mx(.attacker.example", "bounce@attacker.example"},
      {"mx).attacker.example", "bounce@attacker.example"},
      {"mx\\(.attacker.example", "bounce@attacker.example"},
      {"mx((.attacker.example", "bounce@attacker.example"},
      {"mx.attacker.example", "\"x\"@attacker.example"},
      {"mx.attacker.example", "a;b=c@attacker.example"},
  };
  for (const auto& [helo, mail_from] : envelopes) {
    SCOPED_TRACE(helo + " " + mail_from);
    const CliRun checked =
        run_cli("check --zone " + kDemo + "/zone/demo.zone --now 1795430000 --authserv-id " +
                "mx.example.net --ip 203.0.113.66 --helo '" + helo + "' --mail-from '" + mail_from +
                "' " + message);
    ASSERT_EQ(checked.exit_code, 0) << checked.err;
    const std::string fields = checked.out.substr(0, checked.out.find("verdict:"));
    ASSERT_NE(fields.find("dmarc=fail"), std::string::npos) << fields;
    const std::string path = dir.write("in.eml", fields + read_file_bytes(message));
    const std::string out =
        run_shell("HOME=" + dir.path().string() + " unshare --net spamassassin -x -D authres" +
                  " --cf='loadplugin Mail::SpamAssassin::Plugin::AuthRes'" +
                  " --cf='authres_trusted_authserv mx.example.net' --cf='skip_rbl_checks 1'" +
                  " --cf='use_bayes 0' -t < " + path + " 2>&1");
    EXPECT_EQ(out.find("skipping header"), std::string::npos) << out;
    EXPECT_NE(out.find("authres: results: arc=none dkim=none dmarc=fail iprev=pass spf="),
              std::string::npos)
        << out;
  }
}

}  // namespace
}  // namespace senderauth::testing
