#include "senderauth/dkim/signature.hpp"

#include <gtest/gtest.h>

#include "senderauth/dkim/key_record.hpp"

namespace senderauth::dkim {
namespace {

const std::string kBh = "bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;";
const std::string kGood =
    " v=1; a=rsa-sha256; c=relaxed/simple; d=Example.TEST;\r\n s=Sel; "
    "t=100; x=200; l=5; q=dns/txt; i=joe=40x@sub.example.test;\r\n h=from "
    ": to:subject; " +
    kBh + " b=AAAA\r\n BBBB";

TEST(SignatureParse, AllTags) {
  auto sig = parse_signature(kGood);
  ASSERT_TRUE(sig.ok()) << sig.reason();
  EXPECT_EQ(sig->algorithm, Algorithm::rsa_sha256);
  EXPECT_EQ(sig->header_canon, Canonicalization::relaxed);
  EXPECT_EQ(sig->body_canon, Canonicalization::simple);
  EXPECT_EQ(sig->domain, "example.test");
  EXPECT_EQ(sig->selector, "sel");
  EXPECT_EQ(sig->signed_headers, (std::vector<std::string>{"from", "to", "subject"}));
  EXPECT_EQ(sig->identity, "joe@x@sub.example.test");
  EXPECT_EQ(sig->identity_domain(), "sub.example.test");
  EXPECT_EQ(sig->body_length, 5u);
  EXPECT_EQ(sig->timestamp, 100);
  EXPECT_EQ(sig->expiration, 200);
  EXPECT_EQ(sig->signature_text, "AAAABBBB");
  EXPECT_EQ(sig->signature.size(), 6u);
}

TEST(SignatureParse, Defaults) {
  auto sig =
      parse_signature("v=1; a=ed25519-sha256; d=example.test; s=s; h=From; " + kBh + " b=AAAA");
  ASSERT_TRUE(sig.ok()) << sig.reason();
  EXPECT_EQ(sig->header_canon, Canonicalization::simple);
  EXPECT_EQ(sig->body_canon, Canonicalization::simple);
  EXPECT_EQ(sig->identity, "@example.test");
  EXPECT_FALSE(sig->body_length);
}

// RFC 8616 5: in an internationalised message d=, s= and i= may be written in U-labels and
// the i= local part in UTF-8. Keys are looked up, and DMARC aligns, under the A-labels.
TEST(SignatureParse, InternationalisedNamesAreReadAsALabels) {
  const std::string text =
      "v=1; a=ed25519-sha256; d=B\xc3\xbc"
      "cher.example; s=S\xc3\xa9l; "
      "i=j\xc3\xb6rg@news.b\xc3\xbc"
      "cher.example; h=from; z=From:j\xc3\xb6rg; " +
      kBh + " b=AAAA";
  auto sig = parse_signature(text);
  ASSERT_TRUE(sig.ok()) << sig.reason();
  EXPECT_EQ(sig->domain, "xn--bcher-kva.example");
  EXPECT_EQ(sig->selector, "xn--sl-bja");
  EXPECT_EQ(sig->identity, "j\xc3\xb6rg@news.xn--bcher-kva.example");
  EXPECT_EQ(sig->identity_domain(), "news.xn--bcher-kva.example");
  // The same names as A-labels, or with the local part as dkim-quoted-printable, mean the same.
  auto ascii = parse_signature(
      "v=1; a=ed25519-sha256; d=xn--bcher-kva.example; s=xn--sl-bja; "
      "i=j=C3=B6rg@news.xn--bcher-kva.example; h=from; " +
      kBh + " b=AAAA");
  ASSERT_TRUE(ascii.ok()) << ascii.reason();
  EXPECT_EQ(ascii->domain, sig->domain);
  EXPECT_EQ(ascii->selector, sig->selector);
  EXPECT_EQ(ascii->identity, sig->identity);
  // An i= domain in U-labels is still held to d=.
  auto outside = parse_signature(
      "v=1; a=ed25519-sha256; d=b\xc3\xbc"
      "cher.example; i=a@b\xc3\xa4"
      "cker.example; s=s; "
      "h=from; " +
      kBh + " b=AAAA");
  ASSERT_FALSE(outside.ok());
  EXPECT_EQ(outside.reason(), "i= domain is not d= or a subdomain of it");
  // Names IDNA refuses, and bytes that are not UTF-8, are errors that say so.
  auto refused = parse_signature(
      "v=1; a=ed25519-sha256; d=a\xe2\x80\x8d"
      "b.example; s=s; h=from; " +
      kBh + " b=AAAA");  // a ZERO WIDTH JOINER outside its context
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.reason().rfind("d= is not a valid internationalised name: ", 0), 0u)
      << refused.reason();
  auto latin1 = parse_signature(
      "v=1; a=ed25519-sha256; d=b\xfc"
      "cher.example; s=s; h=from; " +
      kBh + " b=AAAA");
  ASSERT_FALSE(latin1.ok());
  EXPECT_NE(latin1.reason().find("invalid UTF-8 at byte 0xfc in value of tag 'd'"),
            std::string::npos)
      << latin1.reason();
  // The 63/253-octet limits are the A-labels': 32 x U+00E9 is 64 octets of UTF-8 but the
  // A-label xn--9caaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa is 38.
  std::string e32;
  for (int i = 0; i < 32; ++i) e32 += "\xc3\xa9";
  auto long_label = parse_signature("v=1; a=ed25519-sha256; d=" + e32 + ".example; s=s; h=from; " +
                                    kBh + " b=AAAA");
  ASSERT_TRUE(long_label.ok()) << long_label.reason();
  EXPECT_EQ(long_label->domain, "xn--9caaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example");
  std::string e64;  // 64 x U+00E9: its A-label is longer than 63 octets
  for (int i = 0; i < 64; ++i) e64 += "\xc3\xa9";
  EXPECT_FALSE(parse_signature("v=1; a=ed25519-sha256; d=" + e64 + ".example; s=s; h=from; " + kBh +
                               " b=AAAA")
                   .ok());
  for (const std::string d : {"b\xc3\xbc"
                              "cher.example.",
                              ".b\xc3\xbc"
                              "cher.example",
                              "b\xc3\xbc"
                              "cher..example"}) {
    EXPECT_FALSE(
        parse_signature("v=1; a=ed25519-sha256; d=" + d + "; s=s; h=from; " + kBh + " b=AAAA").ok())
        << d;
  }
  // Where no U-label is allowed, UTF-8 still fails that tag's own check.
  EXPECT_FALSE(parse_signature("v=1; a=ed25519-sha256; d=example.test; s=s; h=fr\xc3\xb6m:from; " +
                               kBh + " b=AAAA")
                   .ok());
}

TEST(SignatureQuotedPrintable, EncodesWhatIsNotDkimSafe) {
  EXPECT_EQ(encode_dkim_qp("plain.name+tag"), "plain.name+tag");
  EXPECT_EQ(encode_dkim_qp("j\xc3\xb6rg"), "j=C3=B6rg");
  EXPECT_EQ(encode_dkim_qp("a;b=c d"), "a=3Bb=3Dc=20d");
}

struct BadCase {
  std::string text;
  std::string reason;
};

class SignatureParseErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(SignatureParseErrors, NameWhatIsWrong) {
  auto sig = parse_signature(GetParam().text);
  ASSERT_FALSE(sig.ok()) << GetParam().text;
  EXPECT_NE(sig.reason().find(GetParam().reason), std::string::npos) << sig.reason();
}

const std::string kRest = "d=example.test; s=s; h=from; " + kBh + " b=AAAA";
INSTANTIATE_TEST_SUITE_P(
    EveryTag, SignatureParseErrors,
    ::testing::Values(
        BadCase{"a=rsa-sha256; " + kRest, "v= tag missing"},
        BadCase{"v=2; a=rsa-sha256; " + kRest, "v= is"}, BadCase{"v=1; " + kRest, "a= tag missing"},
        BadCase{"v=1; a=rsa-md5; " + kRest, "unknown algorithm"},
        BadCase{"v=1; a=rsa-sha256; d=example.test; s=s; h=from; " + kBh, "b= tag missing"},
        BadCase{"v=1; a=rsa-sha256; d=example.test; s=s; h=from; " + kBh + " b=A!A",
                "b= is not base64"},
        BadCase{"v=1; a=rsa-sha256; d=example.test; s=s; h=from; b=AAAA", "bh= tag missing"},
        BadCase{"v=1; a=rsa-sha256; d=example.test; s=s; h=from; bh=AAAA; b=AAAA",
                "not the size of the digest"},
        BadCase{"v=1; a=rsa-sha256; c=fancy; " + kRest, "c= has an unknown header"},
        BadCase{"v=1; a=rsa-sha256; c=simple/x; " + kRest, "c= has an unknown body"},
        BadCase{"v=1; a=rsa-sha256; s=s; h=from; " + kBh + " b=AAAA", "d= tag missing"},
        BadCase{
            "v=1; a=rsa-sha256; d=legitimate.com(.attacker.com; s=s; h=from; " + kBh + " b=AAAA",
            "d= is not a domain name"},
        BadCase{"v=1; a=rsa-sha256; d=example.test; s=s; " + kBh + " b=AAAA", "h= tag missing"},
        BadCase{"v=1; a=rsa-sha256; d=example.test; s=s; h=to:subject; " + kBh + " b=AAAA",
                "does not include From"},
        BadCase{"v=1; a=rsa-sha256; d=example.test; s=s; h=from::to; " + kBh + " b=AAAA",
                "empty header name"},
        BadCase{"v=1; a=rsa-sha256; i=joe@example.org; " + kRest, "not d= or a subdomain"},
        BadCase{"v=1; a=rsa-sha256; i=joe; " + kRest, "i= has no"},
        BadCase{"v=1; a=rsa-sha256; i==0D=0Apass=20d=3Dbank.example=0D=0Ax@example.test; " + kRest,
                "i= has a control character in its local part"},
        BadCase{"v=1; a=rsa-sha256; i=\"a=7Fb\"@example.test; " + kRest,
                "i= has a control character"},
        // Unicode ones too: U+2028 and NEL are line breaks to some readers, U+202E reorders.
        BadCase{"v=1; a=rsa-sha256; i=pass=E2=80=A8d=3Dbank.example@example.test; " + kRest,
                "i= has a control character in its local part"},
        BadCase{"v=1; a=rsa-sha256; i=pass=C2=85x@example.test; " + kRest,
                "i= has a control character in its local part"},
        BadCase{"v=1; a=rsa-sha256; i=a=E2=80=AEb@example.test; " + kRest,
                "i= has a control character in its local part"},
        BadCase{"v=1; a=rsa-sha256; l=-1; " + kRest, "l= is not"},
        BadCase{"v=1; a=rsa-sha256; l=99999999999999999999; " + kRest, "l= is not"},
        BadCase{"v=1; a=rsa-sha256; q=http; " + kRest, "q= does not offer dns/txt"},
        BadCase{"v=1; a=rsa-sha256; d=example.test; h=from; " + kBh + " b=AAAA", "s= tag missing"},
        BadCase{"v=1; a=rsa-sha256; d=example.test; s=a..b; h=from; " + kBh + " b=AAAA",
                "s= is not"},
        BadCase{"v=1; a=rsa-sha256; t=abc; " + kRest, "t= is not"},
        BadCase{"v=1; a=rsa-sha256; x=1x; " + kRest, "x= is not"},
        BadCase{"v=1; a=rsa-sha256; t=200; x=100; " + kRest, "x= is not after t="},
        BadCase{"v=1; a=rsa-sha256; t=200; x=200; " + kRest, "x= is not after t="},
        BadCase{"v=1; a=rsa-sha256; v=1; " + kRest, "syntax"},
        BadCase{"v=1; a=rsa-sha256 " + kRest, "a= names an unknown"}));

TEST(SignatureValue, RemovedWithSurroundingWhitespace) {
  EXPECT_EQ(remove_signature_value("DKIM-Signature: v=1; b= ab\r\n cd ; bh=xyz; d=x\r\n"),
            "DKIM-Signature: v=1; b=; bh=xyz; d=x\r\n");
  EXPECT_EQ(remove_signature_value("DKIM-Signature: v=1; bh=xyz;\r\n b=ab\r\n cd\r\n"),
            "DKIM-Signature: v=1; bh=xyz;\r\n b=\r\n");
}

TEST(SignatureSummary, ReadsWhatItCan) {
  auto s = summarize_signature("v=1; d=example.test; s=sel; a=rsa-sha1; b=Ab Cd");
  EXPECT_EQ(s.domain, "example.test");
  EXPECT_EQ(s.selector, "sel");
  EXPECT_EQ(s.signature_text, "AbCd");
}

TEST(KeyRecordParse, Good) {
  auto k = parse_key_record("v=DKIM1; k=ed25519; h=sha256; s=email:*; t=y:s; p=AAAA");
  ASSERT_TRUE(k.ok()) << k.reason();
  EXPECT_EQ(k->key_type, KeyType::ed25519);
  EXPECT_TRUE(k->testing);
  EXPECT_TRUE(k->strict);
  EXPECT_TRUE(k->allows_hash(HashAlgorithm::sha256));
  EXPECT_FALSE(k->allows_hash(HashAlgorithm::sha1));
  EXPECT_TRUE(k->allows_email());
  EXPECT_EQ(k->public_key.size(), 3u);
}

TEST(KeyRecordParse, DefaultsAndRevoked) {
  auto k = parse_key_record("p=");
  ASSERT_TRUE(k.ok()) << k.reason();
  EXPECT_EQ(k->key_type, KeyType::rsa);
  EXPECT_TRUE(k->revoked());
  EXPECT_TRUE(k->allows_email());
  EXPECT_TRUE(k->allows_hash(HashAlgorithm::sha1));
}

TEST(KeyRecordChoice, OneKeyRecordAmongTheTxtRecords) {
  using Texts = std::vector<std::string>;
  EXPECT_NE(choose_key_record(Texts{}).reason().find("no TXT record"), std::string::npos);
  // One record is the caller's to parse, even when it is not a key record.
  EXPECT_EQ(choose_key_record(Texts{"hello"}).value(), 0u);
  EXPECT_EQ(choose_key_record(Texts{"v=spf1 -all", "p=AAAA", "x"}).value(), 1u);
  EXPECT_EQ(choose_key_record(Texts{"v=DKIM1; p=", "hello"}).value(), 0u);  // revoked counts
  auto two = choose_key_record(Texts{"p=AAAA", "v=spf1 -all", "v=DKIM1; p=BBBB"});
  EXPECT_NE(two.reason().find("2 key records among 3 TXT records"), std::string::npos)
      << two.reason();
  auto none = choose_key_record(Texts{"v=spf1 -all", "hello"});
  EXPECT_NE(none.reason().find("none of 2 TXT records is a key record (the first: "),
            std::string::npos)
      << none.reason();
  EXPECT_NE(none.reason().find("not DKIM1"), std::string::npos) << none.reason();
}

TEST(KeyRecordParse, Errors) {
  EXPECT_NE(parse_key_record("k=rsa; v=DKIM1; p=AAAA").reason().find("not the first"),
            std::string::npos);
  EXPECT_NE(parse_key_record("v=DKIM1:; p=AAAA").reason().find("not DKIM1"), std::string::npos);
  EXPECT_NE(parse_key_record("v=DKIM1; k=foobar; p=AAAA").reason().find("unknown key type"),
            std::string::npos);
  EXPECT_NE(parse_key_record("v=DKIM1; k=rsa").reason().find("no p="), std::string::npos);
  EXPECT_NE(parse_key_record("v=DKIM1; p=AA!A").reason().find("not base64"), std::string::npos);
  EXPECT_FALSE(parse_key_record("v=DKIM1; p").ok());
}

TEST(KeyRecordParse, ServiceAndHashRestrictions) {
  auto k = parse_key_record("s=tlsrpt; h=sha1; p=AAAA");
  ASSERT_TRUE(k.ok());
  EXPECT_FALSE(k->allows_email());
  EXPECT_FALSE(k->allows_hash(HashAlgorithm::sha256));
}

// Key-record values compare case-insensitively, as the verifiers of the field read them
// (dkimpy, OpenDKIM): "k=RSA", "h=SHA256", "s=Email", "t=Y:S" are the lower-case values.
TEST(KeyRecordParse, ValuesAreCaseInsensitive) {
  auto rsa = parse_key_record("v=DKIM1; k=RSA; p=AAAA");
  ASSERT_TRUE(rsa.ok()) << rsa.reason();
  EXPECT_EQ(rsa->key_type, KeyType::rsa);
  auto ed = parse_key_record("v=DKIM1; k=Ed25519; h=SHA256; s=Email; t=Y:S; p=AAAA");
  ASSERT_TRUE(ed.ok()) << ed.reason();
  EXPECT_EQ(ed->key_type, KeyType::ed25519);
  EXPECT_TRUE(ed->allows_hash(HashAlgorithm::sha256));
  EXPECT_FALSE(ed->allows_hash(HashAlgorithm::sha1));
  EXPECT_TRUE(ed->allows_email());
  EXPECT_TRUE(ed->testing);
  EXPECT_TRUE(ed->strict);
}

TEST(KeyRecordFormat, SplitsIntoTxtStrings) {
  std::string text(600, 'a');
  auto parts = split_txt_strings(text);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0].size(), 255u);
  EXPECT_EQ(parts[2].size(), 90u);
  EXPECT_EQ(split_txt_strings("").size(), 1u);
  EXPECT_EQ(format_key_record(KeyType::ed25519, "abc"), "v=DKIM1; k=ed25519; p=YWJj");
}

}  // namespace
}  // namespace senderauth::dkim
