#include "senderauth/arc/arc_fields.hpp"

#include <gtest/gtest.h>

namespace senderauth::arc {
namespace {

const std::string kAms =
    " i=2; a=rsa-sha256; c=relaxed/simple; d=Lists.Example.org; s=sel;\r\n"
    "\th=From : To:subject; t=12345; x=99999; l=10;\r\n"
    "\tbh=KWSe46TZKCcDbH4klJPo+tjk5LWJnVRlP5pvjXFZYLQ=; b=AAAA\r\n\tBBBB";

TEST(ArcFields, ParsesMessageSignature) {
  auto ams = parse_arc_message_signature(kAms);
  ASSERT_TRUE(ams.ok()) << ams.reason();
  EXPECT_EQ(ams->instance, 2);
  EXPECT_EQ(ams->algorithm, SigningAlgorithm::rsa_sha256);
  EXPECT_EQ(ams->header_canon, Canonicalization::relaxed);
  EXPECT_EQ(ams->body_canon, Canonicalization::simple);
  EXPECT_EQ(ams->domain, "lists.example.org");
  EXPECT_EQ(ams->signed_headers, (std::vector<std::string>{"from", "to", "subject"}));
  EXPECT_EQ(ams->timestamp, 12345);
  EXPECT_EQ(ams->expiration, 99999);
  EXPECT_EQ(ams->body_length, 10u);
  EXPECT_EQ(ams->signature.size(), 6u);
  EXPECT_EQ(ams->body_hash.size(), 32u);
}

TEST(ArcFields, MessageSignatureDefaultsToSimpleSimple) {
  auto ams =
      parse_arc_message_signature("i=1; a=rsa-sha256; d=example.org; s=s; h=from; bh=AAAA; b=AAAA");
  ASSERT_TRUE(ams.ok()) << ams.reason();
  EXPECT_EQ(ams->header_canon, Canonicalization::simple);
  EXPECT_EQ(ams->body_canon, Canonicalization::simple);
}

TEST(ArcFields, MessageSignatureErrorsNameTheTag) {
  const std::string base = "i=1; a=rsa-sha256; d=example.org; s=s; bh=AAAA; b=AAAA";
  struct Case {
    std::string value, words;
  };
  for (const auto& c : std::vector<Case>{
           {base, "h= is missing"},
           {base + "; h=", "h= is empty"},
           {base + "; h=to:subject", "does not sign From"},
           {base + "; h=from:arc-seal", "signs ARC-Seal"},
           {base + "; h=:", "does not sign From"},
           {base + "; h=from; c=", "c= is empty"},
           {base + "; h=from; c=fancy/simple", "not a canonicalization"},
           {base + "; h=from; t=", "t= is empty"},
           {base + "; h=from; t=12a", "not a timestamp"},
           {"i=0; a=rsa-sha256; d=example.org; s=s; bh=AAAA; b=AAAA; h=from", "outside 1..50"},
           {"i=51; a=rsa-sha256; d=example.org; s=s; bh=AAAA; b=AAAA; h=from", "outside 1..50"},
           {"i=x; a=rsa-sha256; d=example.org; s=s; bh=AAAA; b=AAAA; h=from", "not a number"},
           {"i=1; a=rsa-sha1; d=example.org; s=s; bh=AAAA; b=AAAA; h=from", "not a supported"},
           {"i=1; a=RSA-SHA256; d=example.org; s=s; bh=AAAA; b=AAAA; h=from", "not a supported"},
           {"i=1; a=rsa-sha256; d=example..org; s=s; bh=AAAA; b=AAAA; h=from", "d= is not"},
           {"i=1; a=rsa-sha256; d=example.org; s=s; bh=A!AA; b=AAAA; h=from", "bh= is not base64"},
           {"i=1; i=1; a=rsa-sha256; d=example.org; s=s; bh=AAAA; b=AAAA; h=from", "ARC-Message"},
       }) {
    auto ams = parse_arc_message_signature(c.value);
    ASSERT_FALSE(ams.ok()) << c.value;
    EXPECT_NE(ams.reason().find(c.words), std::string::npos) << c.value << " -> " << ams.reason();
  }
}

TEST(ArcFields, ParsesSeal) {
  auto seal = parse_arc_seal("i=3; a=ed25519-sha256; cv=pass; d=Example.org; s=ed; t=1; b=AAAA");
  ASSERT_TRUE(seal.ok()) << seal.reason();
  EXPECT_EQ(seal->instance, 3);
  EXPECT_EQ(seal->algorithm, SigningAlgorithm::ed25519_sha256);
  EXPECT_EQ(seal->chain_status, ChainStatus::pass);
  EXPECT_EQ(seal->domain, "example.org");
  EXPECT_EQ(seal->timestamp, 1);
}

TEST(ArcFields, SealRejectsHAndBadCv) {
  EXPECT_FALSE(parse_arc_seal("i=1; a=rsa-sha256; cv=none; d=e.org; s=s; b=AAAA; h=from").ok());
  EXPECT_FALSE(parse_arc_seal("i=1; a=rsa-sha256; cv=None; d=e.org; s=s; b=AAAA").ok());
  EXPECT_FALSE(parse_arc_seal("i=1; a=rsa-sha256; cv=; d=e.org; s=s; b=AAAA").ok());
  EXPECT_FALSE(parse_arc_seal("i=1; a=rsa-sha256; d=e.org; s=s; b=AAAA").ok());
  EXPECT_FALSE(parse_arc_seal("i=1; a=rsa-sha256; cv=none; d=e.org; s=s; b=").ok());
}

TEST(ArcFields, AuthResultsNeedsLeadingInstance) {
  auto aar = parse_arc_auth_results(" i = 4 ; mx.example.org; spf=pass smtp.mailfrom=a.example");
  ASSERT_TRUE(aar.ok()) << aar.reason();
  EXPECT_EQ(aar->instance, 4);
  EXPECT_EQ(aar->authserv_id, "mx.example.org");
  EXPECT_EQ(aar->payload, "mx.example.org; spf=pass smtp.mailfrom=a.example");
  EXPECT_FALSE(parse_arc_auth_results("mx.example.org; i=1; spf=pass").ok());
  EXPECT_FALSE(parse_arc_auth_results("i=1 mx.example.org; spf=pass").ok());
  EXPECT_FALSE(parse_arc_auth_results("i=; mx.example.org").ok());
}

// RFC 8617 3.4: the payload's syntax does not affect the chain's validity; only "i=N;" is read.
TEST(ArcFields, AuthResultsPayloadIsNotValidated) {
  auto aar = parse_arc_auth_results("i=1;  ; spf=pass smtp.mailfrom=a.example");
  ASSERT_TRUE(aar.ok()) << aar.reason();
  EXPECT_EQ(aar->instance, 1);
  EXPECT_EQ(aar->authserv_id, "");
  EXPECT_EQ(aar->payload, "; spf=pass smtp.mailfrom=a.example");
  aar = parse_arc_auth_results("i=2;   ");
  ASSERT_TRUE(aar.ok()) << aar.reason();
  EXPECT_EQ(aar->payload, "");
  aar = parse_arc_auth_results("i=3; spf=pass smtp.mailfrom=a.example");
  ASSERT_TRUE(aar.ok()) << aar.reason();
  EXPECT_EQ(aar->authserv_id, "");  // a resinfo, not an authserv-id
  aar = parse_arc_auth_results("i=4; (relay) \"mx.example.org\"; none");
  ASSERT_TRUE(aar.ok()) << aar.reason();
  EXPECT_EQ(aar->authserv_id, "mx.example.org");
}

TEST(ArcFields, InstanceOfEachKind) {
  EXPECT_EQ(parse_arc_instance(ArcFieldKind::auth_results, "i=7; x").value_or(0), 7);
  EXPECT_EQ(parse_arc_instance(ArcFieldKind::seal, "a=b; i=9").value_or(0), 9);
  EXPECT_FALSE(parse_arc_instance(ArcFieldKind::message_signature, "a=b").ok());
  EXPECT_FALSE(parse_arc_instance(ArcFieldKind::message_signature, "i=1;;").ok());
}

TEST(ArcFields, FieldKindsAndNames) {
  EXPECT_EQ(arc_field_kind("arc-seal"), ArcFieldKind::seal);
  EXPECT_EQ(arc_field_kind("ARC-MESSAGE-SIGNATURE"), ArcFieldKind::message_signature);
  EXPECT_EQ(arc_field_kind("Arc-Authentication-Results"), ArcFieldKind::auth_results);
  EXPECT_FALSE(arc_field_kind("Authentication-Results").has_value());
  EXPECT_EQ(parse_chain_status("fail"), ChainStatus::fail);
  EXPECT_FALSE(parse_chain_status("Fail").has_value());
}

}  // namespace
}  // namespace senderauth::arc
