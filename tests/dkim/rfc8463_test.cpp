// RFC 8463 Appendix A: the ed25519-sha256 and rsa-sha256 signatures verify, and signing the
// same input with the published keys reproduces the published b= values byte for byte
// (Ed25519 and RSA PKCS#1 v1.5 are deterministic).
#include <gtest/gtest.h>

#include "senderauth/core/base64.hpp"
#include "senderauth/dkim/canonicalization.hpp"
#include "senderauth/dkim/signature.hpp"
#include "senderauth/message/message_reader.hpp"
#include "support/conformance.hpp"
#include "test_support.hpp"

namespace senderauth::dkim {
namespace {

using senderauth::testing::conformance_path;
using senderauth::testing::read_file_bytes;

TEST(Rfc8463, AppendixASignaturesVerify) {
  SENDERAUTH_NEED_CONFORMANCE("dkim/rfc8463");
  dns::ZoneResolver zone;
  ASSERT_TRUE(zone.load_file(conformance_path("dkim/rfc8463/dns.txt").string()).ok());
  VerifyOptions options;
  options.now = 1528637909;
  auto results =
      test::verify(read_file_bytes(conformance_path("dkim/rfc8463/signed.eml")), zone, options);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].status, DkimStatus::pass) << results[0].reason;
  EXPECT_EQ(results[0].algorithm, "ed25519-sha256");
  EXPECT_EQ(results[1].status, DkimStatus::pass) << results[1].reason;
  EXPECT_EQ(results[1].reason, "1024-bit rsa key");
  EXPECT_EQ(zone.query_count(), 2u);
}

TEST(Rfc8463, SigningReproducesThePublishedSignatures) {
  SENDERAUTH_NEED_CONFORMANCE("dkim/rfc8463");
  auto message =
      message::parse_message(read_file_bytes(conformance_path("dkim/rfc8463/signed.eml")));
  ASSERT_TRUE(message.ok());
  auto seed = read_file_bytes(conformance_path("dkim/rfc8463/brisbane-ed25519.seed.b64"));
  auto ed = PrivateKey::from_ed25519_seed(seed.substr(0, seed.find_first_of("\r\n")));
  ASSERT_TRUE(ed.ok()) << ed.reason();
  EXPECT_EQ(base64_encode(ed->public_key_der()), "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
  auto rsa =
      PrivateKey::from_pem(read_file_bytes(conformance_path("dkim/rfc8463/test-rsa1024.pem")));
  ASSERT_TRUE(rsa.ok()) << rsa.reason();

  // The two signatures are the first two fields; the message proper follows.
  message::HeaderList unsigned_headers(message->headers.begin() + 2, message->headers.end());
  BodyHasher body(Canonicalization::relaxed, HashAlgorithm::sha256);
  body.update(message->body);
  EXPECT_EQ(base64_encode(body.finish()), "2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=");
  for (int i = 0; i < 2; ++i) {
    const auto& field = message->headers[i];
    auto sig = parse_signature(field.value());
    ASSERT_TRUE(sig.ok()) << sig.reason();
    std::string input = header_hash_input(Canonicalization::relaxed, unsigned_headers,
                                          sig->signed_headers, remove_signature_value(field.raw()));
    const PrivateKey& key = i == 0 ? *ed : *rsa;
    auto b = key.sign(sig->algorithm, digest(HashAlgorithm::sha256, input));
    ASSERT_TRUE(b.ok()) << b.reason();
    EXPECT_EQ(base64_encode(*b), sig->signature_text) << to_string(sig->algorithm);
  }
}

}  // namespace
}  // namespace senderauth::dkim
