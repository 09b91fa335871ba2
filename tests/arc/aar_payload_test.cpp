// RFC 8617 3.4: "The accuracy or syntax of the authres-payload field does not affect the
// validity of the ARC Chain itself." Only the AAR's "i=N;" counts; the payload is kept as text.
#include <gtest/gtest.h>

#include <asio/io_context.hpp>
#include <string>

#include "senderauth/arc/sealer.hpp"
#include "senderauth/arc/verifier.hpp"
#include "senderauth/dns/run_sync.hpp"
#include "senderauth/dns/zone_resolver.hpp"
#include "support/conformance.hpp"

namespace senderauth::arc {
namespace {

using senderauth::testing::read_file_bytes;

const std::string kDemo = std::string(SENDERAUTH_SOURCE_DIR) + "/demo/";

// demo/messages/1-all-pass.eml sealed with the demo RSA key by `arc seal --authserv-id ' '`
// before that was refused: an AAR whose payload names no authserv-id. dkimpy 1.1 passes it.
const std::string kBlankAuthservSet =
    "ARC-Seal: a=rsa-sha256;\n"
    " b=fFrvN/voAKKKCk8nchuR317myfux4TLc/Ee3kvdnxGtKb5Ke+ILQzaQvAkOFlklC6j7fDR1xgt6GMOjSuFkTa"
    "ChHbW8L3ZI3kGioe/1/NqThFDacg60s9fmkQmAASKNBfuS+ouB/Q9erQRE9gZY3x86syu4Uq6tyjqMOid0YXNdO+"
    "a233RA1oGZQNHci/Ei20A6PRXpn5sZ2+D2tt1CY+XULc9US7VQlcle0FtN4DBj6wXrrR/iIvH+taP16z1XATk3Il"
    "orwddbqLYwyX6loRqvT7oZielRO//g7gEgLv2SCWSb9b6eFz+HnlhrC7tEbPQLRXBUw87TuoG5ZAqL4/A==;\n"
    " cv=none; d=example.test; i=1; s=demo-rsa; t=1795429000\n"
    "ARC-Message-Signature: a=rsa-sha256;\n"
    " b=bkigRHHwnV6r3SBDDC/6rPP/ZgfidxqXTqfy69Ao3zhHDxQI0GKnc5VttppECR63qBRHeYl8QehJsY6PXPsqt"
    "VE/n2+yOXY/gqza0VPKbaU8OnyxDpkne9pP6gLoulF3HiNP4fcv7pEJ2ZxexGz+C+gTjy1SRxAMIi3nnJzESfiEd"
    "FxLGAtBgqveFGIK1kfVHXUQdK5NGZFk+fbnTwSC/l7UXIa/7D7fRNU1pqHJffzoWsNaLkMZchoB7KBqLas3XQt8t"
    "iCfMBn/BcfbAoi+/NbWEhauy/lD1nL2JCRWch6XFlyTAJEyriutLFmKK5HWfJRsEswWPwu90+aLrxnRbA==;\n"
    " bh=gMpmBMdN7S5Bo6plZO8CVC8u372NCQeExtoz8K0gIJI=; c=relaxed/relaxed;\n"
    " d=example.test;\n"
    " h=from:to:subject:date:message-id:mime-version:content-type:dkim-signature;\n"
    " i=1; s=demo-rsa; t=1795429000\n"
    "ARC-Authentication-Results: i=1;  ; spf=pass smtp.mailfrom=alice@example.test\n";

TEST(ArcAarPayload, PayloadWithoutAuthservIdDoesNotFailTheChain) {
  dns::ZoneResolver zone;
  ASSERT_TRUE(zone.load_file(kDemo + "zone/demo.zone").ok());
  VerifyOptions options;
  options.now = 1795430000;
  asio::io_context io;
  const std::string message =
      kBlankAuthservSet + read_file_bytes(kDemo + "messages/1-all-pass.eml");
  ArcResult r = dns::run_sync(io, verify_arc(message, zone, options));
  EXPECT_EQ(r.status, ChainStatus::pass) << r.reason;
  ASSERT_EQ(r.sets.size(), 1u);
  EXPECT_EQ(r.sets[0].authserv_id, "");
  EXPECT_EQ(r.sets[0].aar_payload, "; spf=pass smtp.mailfrom=alice@example.test");
}

TEST(ArcAarPayload, SealerRefusesAnAuthservIdThatIsNotAToken) {
  auto key = dkim::PrivateKey::from_pem(read_file_bytes(kDemo + "keys/demo-ed.example.test.pem"));
  ASSERT_TRUE(key.ok()) << key.reason();
  SealOptions o;
  o.domain = "example.test";
  o.selector = "demo-ed";
  o.key = *key;
  o.auth_results = "spf=pass smtp.mailfrom=alice@example.test";
  const std::string message = read_file_bytes(kDemo + "messages/1-all-pass.eml");
  for (const std::string id : {"", " ", "relay example", "relay;example", "r\xc3\xa9lay.example"}) {
    o.authserv_id = id;
    auto sealed = seal_message(message, o);
    ASSERT_FALSE(sealed.ok()) << "\"" << id << "\"";
    EXPECT_NE(sealed.reason().find("authserv-id"), std::string::npos) << sealed.reason();
  }
  o.authserv_id = "relay.example.test";
  auto sealed = seal_message(message, o);
  ASSERT_TRUE(sealed.ok()) << sealed.reason();
  EXPECT_EQ(sealed->auth_results.rfind("ARC-Authentication-Results: i=1; relay.example.test; ", 0),
            0u);
}

}  // namespace
}  // namespace senderauth::arc
