// A mailing list that seals with dkimpy (Mailman 3 seals through authheaders, which uses it)
// forwards a message it altered: the author's DKIM signature breaks and SPF is the list's, so
// DMARC fails. With the list named a trusted ARC sealer the verdict accepts the message, as an
// administrator who trusts the list expects; without, the author domain's p=reject holds.
#include <gtest/gtest.h>

#include <asio/io_context.hpp>
#include <string>

#include "senderauth/core/base64.hpp"
#include "senderauth/dkim/crypto.hpp"
#include "senderauth/dns/run_sync.hpp"
#include "senderauth/dns/zone_resolver.hpp"
#include "senderauth/pipeline/authenticator.hpp"
#include "support/conformance.hpp"
#include "support/peer.hpp"
#include "support/scratch_dir.hpp"

namespace senderauth::pipeline {
namespace {

const std::string kDemo = std::string(SENDERAUTH_SOURCE_DIR) + "/demo/";
constexpr std::int64_t kDemoNow = 1795430000;

TEST(PipelineInterop, ListSealedByDkimpyIsAcceptedOnlyWhenTrusted) {
  SENDERAUTH_NEED_PEER(testing::have_dkimpy_arc(), "python3-dkim and python3-authres");
  dns::ZoneResolver zone;
  ASSERT_TRUE(zone.load_file(kDemo + "zone/demo.zone").ok());
  const std::string key_pem = kDemo + "keys/demo-rsa.example.test.pem";
  auto key = dkim::PrivateKey::from_pem(testing::read_file_bytes(key_pem));
  ASSERT_TRUE(key.ok()) << key.reason();
  zone.add_txt("list._domainkey.lists.example.net",
               {"v=DKIM1; k=rsa; p=" + base64_encode(key->public_key_der())});

  // What the list received (its own Authentication-Results on top), with a footer added.
  std::string received =
      "Authentication-Results: lists.example.net; spf=pass smtp.mailfrom=alice@example.test;"
      " dkim=pass header.d=example.test; dmarc=pass header.from=example.test\r\n" +
      testing::read_file_bytes(kDemo + "messages/1-all-pass.eml");
  received += "-- \r\nThe example list\r\n";
  testing::ScratchDir dir("senderauth-pipeline-interop");
  const std::string script = dir.write("seal.py", std::string(testing::kDkimpyArcSeal));
  const std::string in = dir.write("received.eml", received);
  const std::string out = (dir.path() / "sealed.eml").string();
  ASSERT_EQ(testing::run_shell(std::string(testing::kPython) + " " + script + " " + key_pem +
                               " list lists.example.net lists.example.net " +
                               std::to_string(kDemoNow - 60) + " " + in + " " + out),
            "");
  const std::string forwarded = testing::read_file_bytes(out);

  Envelope e;
  e.client_ip = *IpAddress::parse("198.51.100.25");  // mx.example.net, which serves the list
  e.helo = "mx.example.net";
  e.mail_from = "list-bounces@lists.example.net";
  e.rcpt_to = {"bob@example.net"};
  LocalPolicy policy;
  policy.authserv_id = "mx.example.net";
  policy.dkim.now = kDemoNow;
  policy.arc.now = kDemoNow;
  auto check = [&](const LocalPolicy& p) {
    Authenticator authenticator(zone, p);
    asio::io_context io;
    return dns::run_sync(io, authenticator.check(e, forwarded));
  };

  Verdict v = check(policy);
  ASSERT_TRUE(v.arc);
  EXPECT_EQ(v.arc->status, arc::ChainStatus::pass) << v.arc->reason;
  EXPECT_EQ(v.arc->sealing_domains(), std::vector<std::string>{"lists.example.net"});
  ASSERT_TRUE(v.dmarc);
  EXPECT_EQ(v.dmarc->status, dmarc::DmarcStatus::fail) << v.dmarc->reason;
  EXPECT_EQ(v.action, Action::reject) << v.reason;

  policy.trusted_arc_sealers = {"lists.example.net"};
  v = check(policy);
  EXPECT_TRUE(v.arc_override.applies) << v.arc_override.comment;
  EXPECT_EQ(v.action, Action::accept) << v.reason;
  EXPECT_NE(v.authentication_results.find("arc=pass"), std::string::npos)
      << v.authentication_results;
}

}  // namespace
}  // namespace senderauth::pipeline
