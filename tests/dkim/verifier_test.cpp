#include "senderauth/dkim/verifier.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <asio/io_context.hpp>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "senderauth/core/base64.hpp"
#include "senderauth/dkim/canonicalization.hpp"
#include "senderauth/dkim/signature.hpp"
#include "senderauth/dns/run_sync.hpp"
#include "senderauth/message/message_reader.hpp"
#include "support/query_only_resolver.hpp"
#include "test_support.hpp"

namespace senderauth::dkim {
namespace {

using test::config;
using test::kMessage;
using test::publish;

struct Fixture : ::testing::Test {
  void SetUp() override {
    publish(zone, "sel", "example.test", test::rsa_key());
    publish(zone, "ed", "example.test", test::ed25519_key());
    options.now = 1700000100;
  }
  std::vector<DkimResult> verify(std::string_view message) {
    return test::verify(message, zone, options);
  }
  std::string sign(std::vector<SignerConfig> configs, std::string_view message = kMessage) {
    auto signed_message = sign_message(message, std::move(configs));
    EXPECT_TRUE(signed_message.ok()) << signed_message.reason();
    return signed_message.ok() ? *signed_message : std::string();
  }
  dns::ZoneResolver zone;
  VerifyOptions options;
};

using Verifier = Fixture;

TEST_F(Verifier, NoSignatureGivesNoResult) {
  EXPECT_TRUE(verify(kMessage).empty());
}

TEST_F(Verifier, RsaAndEd25519InOnePassBothVerify) {
  auto ed = config(test::ed25519_key(), "ed");
  std::string m = sign({config(test::rsa_key()), ed});
  auto r = verify(m);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].status, DkimStatus::pass) << r[0].reason;
  EXPECT_EQ(r[0].algorithm, "rsa-sha256");
  EXPECT_EQ(r[0].reason, "2048-bit rsa key");
  EXPECT_EQ(r[1].status, DkimStatus::pass) << r[1].reason;
  EXPECT_EQ(r[1].algorithm, "ed25519-sha256");
  EXPECT_EQ(r[0].header_b.size(), 8u);
}

TEST_F(Verifier, EveryCanonicalizationPair) {
  for (auto h : {Canonicalization::simple, Canonicalization::relaxed}) {
    for (auto b : {Canonicalization::simple, Canonicalization::relaxed}) {
      auto c = config(test::rsa_key());
      c.header_canon = h;
      c.body_canon = b;
      auto r = verify(sign({c}));
      ASSERT_EQ(r.size(), 1u);
      EXPECT_EQ(r[0].status, DkimStatus::pass) << r[0].reason;
    }
  }
}

TEST_F(Verifier, AlteredBodyFailsOnBodyHash) {
  std::string m = sign({config(test::rsa_key())});
  m.replace(m.find("hungry"), 6, "HUNGRY");
  auto r = verify(m);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].status, DkimStatus::fail);
  EXPECT_EQ(r[0].reason, "body hash did not verify");
}

TEST_F(Verifier, AlteredHeaderFailsOnSignature) {
  std::string m = sign({config(test::ed25519_key(), "ed")});
  m.replace(m.find("dinner"), 6, "supper");
  auto r = verify(m);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].status, DkimStatus::fail);
  EXPECT_EQ(r[0].reason, "signature did not verify");
}

// A public key of small order, published by mistake (32 zero bytes as a placeholder) or on
// purpose, lets anybody sign: with the neutral point as the key, R = the base point and S = 1
// satisfy [S]B = R + [h]A for every message, and OpenSSL 3.0 accepts that signature.
TEST_F(Verifier, Ed25519KeysOfSmallOrderVerifyNothing) {
  std::string forged(64, '\0');
  forged[0] = '\x58';  // the base point's encoding: 0x58 then 31 bytes 0x66
  std::fill(forged.begin() + 1, forged.begin() + 32, '\x66');
  forged[32] = '\x01';  // S = 1
  std::string neutral(32, '\0');
  neutral[0] = '\x01';  // y = 1: the neutral point
  const std::string digest = dkim::digest(HashAlgorithm::sha256, "any message at all");
  for (const std::string& small : {neutral, std::string(32, '\0')}) {
    auto key = PublicKey::from_der(KeyType::ed25519, small);
    ASSERT_TRUE(key) << key.reason();
    EXPECT_FALSE(key->verify(Algorithm::ed25519_sha256, digest, forged));
  }
  // Through verification: a signed message whose b= is replaced by the forgery, under the
  // neutral key, fails.
  zone.add_txt("zero._domainkey.example.test",
               split_txt_strings(format_key_record(KeyType::ed25519, neutral)));
  std::string m = sign({config(test::ed25519_key(), "zero")});
  const std::size_t b = m.find("\tb=") + 3;  // the value runs to the end of the field
  std::size_t end = m.find("\r\n", b);
  while (m[end + 2] == ' ' || m[end + 2] == '\t') end = m.find("\r\n", end + 2);
  m.replace(b, end - b, base64_encode(forged));
  auto r = verify(m);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].status, DkimStatus::fail) << r[0].reason;
  EXPECT_EQ(r[0].reason, "signature did not verify");
  // A key that is not of small order still verifies what its private key signed.
  EXPECT_EQ(verify(sign({config(test::ed25519_key(), "ed")}))[0].status, DkimStatus::pass);
}

TEST_F(Verifier, OversignedHeaderCannotBeAdded) {
  std::string m = sign({config(test::rsa_key())});
  auto r = verify(m);
  ASSERT_EQ(r[0].status, DkimStatus::pass);
  // A second Subject added on top (where a reader may show it) breaks the signature; so does
  // an added Reply-To, absent when signed but oversigned.
  std::string extra_subject = m;
  extra_subject.insert(extra_subject.find("From:"), "Subject: Pay me\r\n");
  EXPECT_EQ(verify(extra_subject)[0].status, DkimStatus::fail);
  std::string extra_reply_to = m;
  extra_reply_to.insert(extra_reply_to.find("From:"), "Reply-To: x@example.org\r\n");
  EXPECT_EQ(verify(extra_reply_to)[0].status, DkimStatus::fail);
  // A field neither signed nor oversigned may be added.
  std::string received = m;
  received.insert(0, "Received: from x\r\n");
  EXPECT_EQ(verify(received)[0].status, DkimStatus::pass);
}

// Fields whose unsigned copy puts no words in the signer's mouth, signed once (not oversigned)
// with another copy added on top: still a pass. A Content-Transfer-Encoding copy that differs
// only in case is the same value (RFC 2045 6.1); one of another value is a policy result.
TEST_F(Verifier, UnsignedCopiesOfRecipientAndThreadFieldsPass) {
  const std::string message =
      "Cc: c@example.org\r\nIn-Reply-To: <0@example.test>\r\nReferences: <0@example.test>\r\n"
      "MIME-Version: 1.0\r\nContent-Transfer-Encoding: 7bit\r\n" +
      std::string(kMessage);
  auto c = config(test::rsa_key());
  c.headers = {"from",       "to",          "cc",         "subject",
               "message-id", "in-reply-to", "references", "content-transfer-encoding"};
  c.oversign = {};
  const std::string m = sign({c}, message);
  ASSERT_EQ(verify(m)[0].status, DkimStatus::pass);
  for (const char* added :
       {"To: Mary <mary@example.org>\r\n", "Cc: x@example.org\r\n",
        "Message-ID: <relay-123@relay.example.org>\r\n", "In-Reply-To: <9@example.org>\r\n",
        "References: <9@example.org>\r\n", "Content-Transfer-Encoding: 7BIT\r\n"}) {
    auto r = verify(added + m);
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].status, DkimStatus::pass) << added << r[0].reason;
  }
  auto r = verify("Content-Transfer-Encoding: base64\r\n" + m);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].status, DkimStatus::policy) << r[0].reason;
}

TEST_F(Verifier, UnsignedCopyOfASingleInstanceFieldIsPolicy) {
  // A signer that does not oversign (most do not): a Subject or To added on top keeps the
  // signature valid, and the reader shows the added one.
  auto c = config(test::rsa_key());
  c.headers = {"from", "to", "subject", "date"};
  c.oversign = {};
  std::string m = sign({c});
  ASSERT_EQ(verify(m)[0].status, DkimStatus::pass);
  std::string added = m;
  added.insert(0, "Subject: Your account is locked\r\nTo: other@example.org\r\n");
  auto r = verify(added);
  EXPECT_EQ(r[0].status, DkimStatus::policy);
  EXPECT_EQ(r[0].reason,
            "verified, but 2 Subject fields, 1 signed: readers may show an unsigned copy (RFC "
            "6376 8.15)");
  // Local policy may accept it: a pass that says so.
  options.refuse_unsigned_duplicates = false;
  r = verify(added);
  EXPECT_EQ(r[0].status, DkimStatus::pass);
  EXPECT_EQ(r[0].reason, "2048-bit rsa key; 2 Subject fields, 1 signed");
  options.refuse_unsigned_duplicates = true;
  // A To of another value alone (PHP's mail() with a To among a script's extra headers): what a
  // reader is shown as the recipients puts no words in the signer's mouth. The same for Cc,
  // Message-ID, In-Reply-To and References; From, Sender, Reply-To and Date are refused too.
  EXPECT_EQ(verify("To: Mary <mary@example.org>\r\nCc: x@example.org\r\n"
                   "Message-ID: <2@example.test>\r\n" +
                   m)[0]
                .status,
            DkimStatus::pass);
  for (const char* shown :
       {"From: Bank <ceo@example.test>\r\n", "Date: Sat, 1 Jan 2000 00:00:00 +0000\r\n"}) {
    EXPECT_EQ(verify(shown + m)[0].status, DkimStatus::policy) << shown;
  }
  // Fields that may repeat, or that the signature does not cover, change nothing.
  std::string repeatable = m;
  repeatable.insert(0,
                    "Received: from a\r\nReceived: from b\r\nKeywords: x\r\nKeywords: y\r\n"
                    "Message-ID: <2@example.test>\r\n");
  EXPECT_EQ(verify(repeatable)[0].status, DkimStatus::pass);
  // Two copies both signed (h= lists the name twice): nothing is unsigned. Names compare
  // without regard to case.
  std::string twice(kMessage);
  twice.insert(0, "SUBJECT: first\r\n");
  c.headers = {"from", "to", "subject", "Subject", "date"};
  r = verify(sign({c}, twice));
  EXPECT_EQ(r[0].status, DkimStatus::pass) << r[0].reason;
  // A signature that fails for another reason keeps that reason.
  added.replace(added.find("hungry"), 6, "HUNGRY");
  EXPECT_EQ(verify(added)[0].reason, "body hash did not verify");
}

// "X-Pad: a\rSubject: ..." on top: a reader that ends lines at a bare CR (Python's email
// package) shows that Subject, and no h= entry names it: an unsigned copy as much as a Subject
// field of its own. A bare CR not followed by a field name, or one before the LF, is nothing.
TEST_F(Verifier, SingleInstanceFieldHiddenBehindABareCrIsAnUnsignedCopy) {
  auto c = config(test::rsa_key());
  c.headers = {"from", "to", "subject", "date"};
  c.oversign = {};
  std::string m = sign({c});
  std::string hidden = m;
  hidden.insert(0, "X-Pad: a\rSubject: Your account is locked\r\n");
  auto r = verify(hidden);
  EXPECT_EQ(r[0].status, DkimStatus::policy);
  EXPECT_EQ(r[0].reason,
            "verified, but 2 Subject fields, 1 signed: readers may show an unsigned copy (RFC "
            "6376 8.15)");
  for (const char* harmless : {"X-Pad: a\rb: c\r\n", "X-Pad: a\r\r\n", "X-Pad: a\rno colon\r\n"}) {
    std::string other = m;
    other.insert(0, harmless);
    EXPECT_EQ(verify(other)[0].status, DkimStatus::pass) << harmless;
  }
}

// An unsigned copy equal to a signed one (relaxed, RFC 6376 3.4.2) shows a reader nothing the
// signer did not sign: web mailers write Content-Type and Content-Transfer-Encoding twice, PHP's
// mail() To twice. One that differs is counted, Content-Type among them: a new boundary on top
// can make the signed body an unseen preamble.
TEST_F(Verifier, UnsignedCopyCountsOnlyWhenItsValueDiffers) {
  std::string mime(kMessage);
  mime.insert(mime.find("\r\n\r\n") + 2,
              "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
              "Content-Transfer-Encoding: 8bit\r\n");
  auto c = config(test::rsa_key());
  c.headers = {
      "from", "to", "subject", "date", "mime-version", "content-type", "content-transfer-encoding"};
  c.oversign = {};
  const std::string m = sign({c}, mime);
  ASSERT_EQ(verify(m)[0].status, DkimStatus::pass);
  for (const char* same : {"Subject: Is  dinner\r\n ready?\r\n", "TO:Suzie <suzie@example.org>\r\n",
                           "Content-Type: text/plain;  charset=utf-8\r\n"
                           "Content-Transfer-Encoding: 8bit\r\n"}) {
    auto r = verify(same + m);
    EXPECT_EQ(r[0].status, DkimStatus::pass) << same << r[0].reason;
    EXPECT_EQ(r[0].reason, "2048-bit rsa key") << same;
  }
  auto r = verify("Content-Type: multipart/mixed; boundary=\"EVIL\"\r\n" + m);
  EXPECT_EQ(r[0].status, DkimStatus::policy);
  EXPECT_EQ(r[0].reason,
            "verified, but 2 Content-Type fields, 1 signed: readers may show an unsigned copy "
            "(RFC 6376 8.15)");
  r = verify("Content-Transfer-Encoding: base64\r\n" + m);
  EXPECT_EQ(r[0].status, DkimStatus::policy) << r[0].reason;
  // One equal copy and one that differs: the one that differs counts.
  r = verify("Subject: Is dinner ready?\r\nSubject: Pay me\r\n" + m);
  EXPECT_EQ(r[0].reason,
            "verified, but 3 Subject fields, 1 signed: readers may show an unsigned copy (RFC "
            "6376 8.15)");
  // Case in a value is not folded: readers show it.
  EXPECT_EQ(verify("Subject: IS DINNER READY?\r\n" + m)[0].status, DkimStatus::policy);
}

// h= naming Subject twice signs the one Subject and the absence of another; a Subject hidden
// behind a bare CR is still none of those, and a reader that ends lines there shows it.
TEST_F(Verifier, HiddenCopyCountsEvenWhenTheFieldIsOversigned) {
  const std::string m = sign({config(test::rsa_key())});  // oversigns Subject
  auto r = verify("X-Pad: a\rSubject: Your account is locked\r\n" + m);
  EXPECT_EQ(r[0].status, DkimStatus::policy);
  EXPECT_EQ(r[0].reason,
            "verified, but 2 Subject fields, 1 signed: readers may show an unsigned copy (RFC "
            "6376 8.15)");
  EXPECT_EQ(verify("X-Pad: a\rSubject: Is dinner ready?\r\n" + m)[0].status, DkimStatus::pass);
}

// l= leaves text unsigned and h= does not sign the message's Content-Type: a Content-Type with
// a new boundary put on top, and a part appended, shows a reader the attacker's part alone (the
// signed text becomes the preamble). By default such a signature gets policy.
TEST_F(Verifier, PartialBodyWithUnsignedContentTypeIsPolicy) {
  auto c = config(test::rsa_key());
  c.headers = {"from", "to", "subject", "date"};
  c.oversign = {};
  c.body_length = true;
  const std::string m = sign({c});  // no Content-Type when signed
  const std::string part =
      "--EVIL\r\nContent-Type: text/plain\r\n\r\nLog in at https://bank.example/ now.\r\n"
      "--EVIL--\r\n";
  const std::string forged =
      "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"EVIL\"\r\n" + m + part;
  auto r = verify(forged);
  EXPECT_EQ(r[0].status, DkimStatus::policy);
  EXPECT_EQ(r[0].reason,
            "verified, but l= leaves 84 of 138 body bytes unsigned and h= does not sign "
            "Content-Type: what is appended can hide the signed text (RFC 6376 8.2)");
  EXPECT_EQ(verify("Content-Transfer-Encoding: base64\r\n" + m + "QUJD\r\n")[0].reason,
            "verified, but l= leaves 6 of 60 body bytes unsigned and h= does not sign "
            "Content-Transfer-Encoding: what is appended can hide the signed text (RFC 6376 "
            "8.2)");
  // Without unsigned bytes there is nothing to hide behind; without a Content-Type the appended
  // text shows as what it is (plain l=, passed by default).
  EXPECT_EQ(verify("Content-Type: multipart/mixed; boundary=\"EVIL\"\r\n" + m)[0].status,
            DkimStatus::pass);
  r = verify(m + "Appended by a list\r\n");
  EXPECT_EQ(r[0].status, DkimStatus::pass);
  EXPECT_EQ(r[0].reason, "2048-bit rsa key; l= leaves 20 of 74 body bytes unsigned");
  // A signer that signs Content-Type: a list footer passes.
  std::string mime(kMessage);
  mime.insert(0, "Content-Type: text/plain\r\n");
  c.headers.push_back("content-type");
  EXPECT_EQ(verify(sign({c}, mime) + "-- \r\nlist footer\r\n")[0].status, DkimStatus::pass);
  // Local policy decides: accept passes with a note; refuse refuses every partial body.
  options.partial_body = PartialBody::accept;
  r = verify(forged);
  EXPECT_EQ(r[0].status, DkimStatus::pass);
  EXPECT_EQ(r[0].reason,
            "2048-bit rsa key; l= leaves 84 of 138 body bytes unsigned and h= does not sign "
            "Content-Type");
  options.partial_body = PartialBody::refuse;
  EXPECT_EQ(verify(forged)[0].reason, "verified, but l= leaves 84 of 138 body bytes unsigned");
}

// Content-Type copies compare by meaning: case and spacing do not count (the W3Schools form
// "Content-type:text/html;charset=UTF-8" above a mailer's own), a boundary's every byte does (a
// Domino boundary holds a space; two spaces are another boundary, and the signed text would be
// the preamble of the attacker's part).
TEST_F(Verifier, ContentTypeCopiesCompareByMeaning) {
  auto mime = [](const std::string& content_type) {
    std::string m(kMessage);
    m.insert(m.find("\r\n\r\n") + 2, "MIME-Version: 1.0\r\nContent-Type: " + content_type + "\r\n");
    return m;
  };
  auto c = config(test::rsa_key());
  c.headers = {"from", "to", "subject", "date", "content-type"};
  c.oversign = {};
  const std::string html = sign({c}, mime("text/html; charset=utf-8"));
  auto r = verify("Content-type:TEXT/html;charset=\"UTF-8\"\r\n" + html);
  EXPECT_EQ(r[0].status, DkimStatus::pass) << r[0].reason;
  EXPECT_EQ(verify("Content-Type: text/html; charset=utf-8; format=x\r\n" + html)[0].status,
            DkimStatus::policy);
  const std::string domino =
      sign({c}, mime("multipart/alternative; boundary=\"=_alternative 0055B3D8C1257F0A_=\""));
  r = verify(
      "Content-Type: multipart/alternative; boundary=\"=_alternative  0055B3D8C1257F0A_=\"\r\n" +
      domino);
  EXPECT_EQ(r[0].status, DkimStatus::policy);
  EXPECT_EQ(r[0].reason,
            "verified, but 2 Content-Type fields, 1 signed: readers may show an unsigned copy "
            "(RFC 6376 8.15)");
  EXPECT_EQ(verify("Content-Type: Multipart/Alternative;\r\n\tboundary=\"=_alternative "
                   "0055B3D8C1257F0A_=\"\r\n" +
                   domino)[0]
                .status,
            DkimStatus::pass);
  // "\b1" is "b1" by RFC 822's quoted-pair, but Python's compat32 email keeps the backslash: a
  // boundary no signed part uses. And "multipart / alternative" is no multipart to a reader.
  const std::string parts = sign({c}, mime("multipart/alternative; boundary=\"b1\""));
  EXPECT_EQ(verify("Content-Type: multipart/alternative; boundary=\"\\b1\"\r\n" + parts)[0].status,
            DkimStatus::policy);
  EXPECT_EQ(verify("Content-Type: multipart / alternative; boundary=\"b1\"\r\n" + parts)[0].status,
            DkimStatus::policy);
  // One this reading cannot parse (a comment) equals only the same bytes.
  const std::string commented = sign({c}, mime("text/plain (plain text)"));
  EXPECT_EQ(verify("Content-Type: text/plain (plain text)\r\n" + commented)[0].status,
            DkimStatus::pass);
  EXPECT_EQ(verify("Content-Type: text/plain (plain  text)\r\n" + commented)[0].status,
            DkimStatus::policy);
}

// With l= and a signed Content-Type, what is appended shows in text/plain as more text (plain
// l=, passed by default), lands in a multipart's epilogue (not shown), but in text/html it can
// hide the signed text with a style rule: policy by default.
TEST_F(Verifier, PartialBodyOfSignedHtmlIsPolicy) {
  auto message = [](const std::string& head, const std::string& body) {
    return "From: Joe <joe@example.test>\r\nTo: x@example.org\r\nSubject: hi\r\n" + head + "\r\n" +
           body;
  };
  auto c = config(test::rsa_key());
  c.headers = {"from", "to", "subject", "content-type"};
  c.oversign = {};
  c.body_length = true;
  const std::string style = "<style>p{display:none}</style><div>Log in now</div>\r\n";
  const std::string html =
      sign({c}, message("Content-Type: text/html\r\nContent-Transfer-Encoding: 7bit\r\n",
                        "<p>Hello</p>\r\n"));
  auto r = verify(html + style);
  EXPECT_EQ(r[0].status, DkimStatus::policy);
  EXPECT_EQ(r[0].reason,
            "verified, but l= leaves 53 of 67 body bytes unsigned and the body is text/html and h= "
            "does not sign Content-Transfer-Encoding: what is appended can hide the signed text "
            "(RFC 6376 8.2)");
  options.partial_body = PartialBody::accept;
  EXPECT_EQ(verify(html + style)[0].status, DkimStatus::pass);
  options.partial_body = PartialBody::refuse_when_hidable;
  // A multipart body: the footer is epilogue, and its Content-Transfer-Encoding (meaningless
  // for multipart, RFC 2045 6.4) need not be signed.
  const std::string multipart =
      sign({c}, message("Content-Type: multipart/alternative; boundary=\"b\"\r\n"
                        "Content-Transfer-Encoding: 7bit\r\n",
                        "--b\r\nContent-Type: text/plain\r\n\r\nHello\r\n--b--\r\n"));
  r = verify(multipart + "-- \r\nlist footer\r\n");
  EXPECT_EQ(r[0].status, DkimStatus::pass) << r[0].reason;
  // A signed text/plain: the footer shows as text, which plain l= allows.
  const std::string plain = sign({c}, message("Content-Type: text/plain\r\n", "Hello\r\n"));
  EXPECT_EQ(verify(plain + "-- \r\nlist footer\r\n")[0].status, DkimStatus::pass);
  // No Content-Type when signed (h= signs its absence), one hidden behind a bare CR: the
  // unsigned-copy rule's case, and no media type to name.
  c.oversign = {"content-type"};
  const std::string none = sign({c}, message("", "Hello\r\n"));
  options.refuse_unsigned_duplicates = false;
  r = verify("X-Pad: a\rContent-Type: text/html\r\n" + none + "<b>x</b>\r\n");
  EXPECT_EQ(r[0].status, DkimStatus::pass);
  EXPECT_EQ(r[0].reason,
            "2048-bit rsa key; l= leaves 10 of 17 body bytes unsigned; 1 Content-Type fields, 0 "
            "signed");
}

// A DER SEQUENCE of INTEGERs, each given as big-endian bytes (the PKCS#1 key structures).
std::string der_integers(const std::vector<std::string>& integers) {
  auto der_length = [](std::size_t n) {
    if (n < 128) return std::string(1, static_cast<char>(n));
    std::string bytes;
    for (; n != 0; n >>= 8) bytes.insert(bytes.begin(), static_cast<char>(n & 0xff));
    return static_cast<char>(0x80 | bytes.size()) + bytes;
  };
  std::string body;
  for (std::string value : integers) {
    if (static_cast<unsigned char>(value[0]) & 0x80) value.insert(value.begin(), '\0');
    body += "\x02" + der_length(value.size()) + value;
  }
  return "\x30" + der_length(body.size()) + body;
}

// A PKCS#1 RSAPublicKey (RFC 8017 A.1.1): the publisher of a key record chooses n and e.
std::string rsa_public_key(const std::string& modulus, const std::string& exponent) {
  return der_integers({modulus, exponent});
}

// rsa_key()'s modulus with another exponent.
std::string rsa_key_with_exponent(const std::string& exponent) {
  // The modulus is the last INTEGER before the exponent 65537 in the key's own
  // SubjectPublicKeyInfo: "02 82 01 01 00 <256 bytes> 02 03 01 00 01".
  const std::string spki = test::rsa_key().public_key_der();
  const std::size_t at = spki.find(std::string("\x02\x82\x01\x01\x00", 5));
  EXPECT_NE(at, std::string::npos);
  return rsa_public_key(spki.substr(at + 5, 256), exponent);
}

TEST_F(Verifier, LargeRsaPublicExponentIsRefused) {
  // 2^31 - 1 is the largest accepted; 2^31 + 1 (32 bits) and a 2048-bit exponent are not.
  EXPECT_TRUE(PublicKey::from_der(KeyType::rsa, rsa_key_with_exponent("\x7f\xff\xff\xff")));
  auto refused =
      PublicKey::from_der(KeyType::rsa, rsa_key_with_exponent(std::string("\x80\x00\x00\x01", 4)));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.reason(),
            "RSA public exponent of 32 bits refused (the limit is 31 bits, as in Go's "
            "crypto/rsa: a large exponent makes verifying cost as much as signing)");
  for (std::string not_rsa : {std::string("\x01"), std::string("\x01\x00\x00", 3)}) {
    auto r = PublicKey::from_der(KeyType::rsa, rsa_key_with_exponent(not_rsa));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.reason(), "RSA public exponent is not an odd number of at least 3");
  }
  // Through verification: the signature is not checked at all.
  zone.add_txt("huge._domainkey.example.test",
               split_txt_strings(format_key_record(
                   KeyType::rsa, rsa_key_with_exponent("\xc0" + std::string(255, '\x01')))));
  auto r = verify(sign({config(test::rsa_key(), "huge")}));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].status, DkimStatus::permerror);
  EXPECT_EQ(r[0].reason.rfind("RSA public exponent of 2048 bits refused", 0), 0u) << r[0].reason;
  // The same modulus with e = 65537, written as PKCS#1, verifies: the encoding above is right.
  zone.add_txt("pkcs1._domainkey.example.test",
               split_txt_strings(format_key_record(
                   KeyType::rsa, rsa_key_with_exponent(std::string("\x01\x00\x01", 3)))));
  EXPECT_EQ(verify(sign({config(test::rsa_key(), "pkcs1")}))[0].status, DkimStatus::pass);
}

TEST_F(Verifier, RsaKeysAbove8192BitsAreRefused) {
  const std::string e("\x01\x00\x01", 3);
  // Moduli need not be real for decoding: only their size is looked at here.
  EXPECT_TRUE(
      PublicKey::from_der(KeyType::rsa, rsa_public_key("\xc5" + std::string(1023, 'a'), e)));
  auto refused =
      PublicKey::from_der(KeyType::rsa, rsa_public_key("\xc5" + std::string(2047, 'a'), e));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.reason(),
            "RSA key of 16384 bits refused (the maximum is 8192; RFC 8301 asks verifiers for "
            "1024 to 4096 bits)");
  zone.add_txt("big._domainkey.example.test",
               split_txt_strings(format_key_record(
                   KeyType::rsa, rsa_public_key("\xc5" + std::string(1024, 'a'), e))));
  auto r = verify(sign({config(test::rsa_key(), "big")}));
  EXPECT_EQ(r[0].status, DkimStatus::permerror);
  EXPECT_EQ(r[0].reason.rfind("RSA key of 8200 bits refused", 0), 0u) << r[0].reason;
  // Nor is such a key generated, or signed with. (PEM decoding does not check that the
  // numbers make a key: 8200 bits of modulus are enough to be refused.)
  EXPECT_FALSE(PrivateKey::generate(KeyType::rsa, 8200));
  const std::string one(1, '\x01');
  const std::string pkcs1 = der_integers(
      {std::string(1, '\0'), "\xc5" + std::string(1024, 'a'), e, one, one, one, one, one, one});
  auto big = PrivateKey::from_pem("-----BEGIN RSA PRIVATE KEY-----\n" + base64_encode(pkcs1) +
                                  "\n-----END RSA PRIVATE KEY-----\n");
  ASSERT_FALSE(big);
  EXPECT_EQ(big.reason(),
            "RSA key of 8200 bits: the maximum is 8192, as verifiers may refuse larger keys "
            "(RFC 8301)");
}

// l= one octet past the body, with a bh= that hashes the whole body (a signer that counted
// the body wrongly, or a body cut in transit): the signature does not verify (RFC 6376 3.5:
// l= longer than the body), though every octet hashed matches.
TEST_F(Verifier, BodyLengthPastTheBodyByOneOctetFails) {
  auto parsed = message::parse_message(kMessage);
  ASSERT_TRUE(parsed.ok());
  BodyHasher body(Canonicalization::relaxed, HashAlgorithm::sha256);
  body.update(parsed->body);
  const std::string bh = base64_encode(body.finish());
  const std::uint64_t length = body.canonical_length();
  const std::vector<std::string> names = {"from", "to", "subject"};
  auto signed_with = [&](std::uint64_t l) {
    const std::string head =
        "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.test; s=sel;"
        " t=1700000000; h=from:to:subject; l=" +
        std::to_string(l) + "; bh=" + bh + "; b=";
    const std::string input =
        header_hash_input(Canonicalization::relaxed, parsed->headers, names, head + "\r\n");
    auto b = test::rsa_key().sign(Algorithm::rsa_sha256, digest(HashAlgorithm::sha256, input));
    EXPECT_TRUE(b.ok());
    return head + (b.ok() ? base64_encode(*b) : std::string()) + "\r\n" + std::string(kMessage);
  };
  auto r = verify(signed_with(length));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].status, DkimStatus::pass) << r[0].reason;
  r = verify(signed_with(length + 1));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].status, DkimStatus::fail);
  EXPECT_EQ(r[0].reason, "l=" + std::to_string(length + 1) + " is longer than the body (" +
                             std::to_string(length) + " canonical bytes)");
}

// A message from PHP's mail() through an MTA that adds a CR before each LF: every line ends in
// "\r\r\n", the empty line too. Signed, it verifies (the signature field on top ends in CRLF).
TEST_F(Verifier, CrCrLfMessageSignsAndVerifies) {
  std::string doubled;
  for (const char c : kMessage) {
    if (c == '\n') doubled += '\r';
    doubled += c;
  }
  const std::string m = sign({config(test::rsa_key())}, doubled);
  ASSERT_FALSE(m.empty());
  auto r = verify(m);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].status, DkimStatus::pass) << r[0].reason;
  r = verify(m.substr(0, m.size() - 4) + "x\r\r\n");  // the body altered
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].status, DkimStatus::fail) << r[0].reason;
}

TEST_F(Verifier, BodyLengthAllowsAppendedText) {
  auto c = config(test::rsa_key());
  c.body_length = true;
  std::string m = sign({c});
  EXPECT_NE(m.find("l=54;"), std::string::npos);
  EXPECT_EQ(verify(m)[0].reason, "2048-bit rsa key");  // l= covers the whole body
  m += "Appended by a list\r\n";
  auto r = verify(m);
  EXPECT_EQ(r[0].status, DkimStatus::pass);
  EXPECT_EQ(r[0].reason, "2048-bit rsa key; l= leaves 20 of 74 body bytes unsigned");
  // Refused by local policy: verified, but not vouching for the appended text.
  options.partial_body = PartialBody::refuse;
  r = verify(m);
  EXPECT_EQ(r[0].status, DkimStatus::policy);
  EXPECT_EQ(r[0].reason, "verified, but l= leaves 20 of 74 body bytes unsigned");
  m.resize(m.size() - 20);  // the body as signed: nothing to refuse
  EXPECT_EQ(verify(m)[0].status, DkimStatus::pass);
}

TEST_F(Verifier, LfOnlyCopyVerifies) {
  std::string m = sign({config(test::rsa_key())});
  std::string lf;
  for (char c : m) {
    if (c != '\r') lf.push_back(c);
  }
  EXPECT_EQ(verify(lf)[0].status, DkimStatus::pass);
}

TEST_F(Verifier, KeysFetchedOncePerSelectorAndConcurrently) {
  std::string m =
      sign({config(test::rsa_key()), config(test::rsa_key()), config(test::ed25519_key(), "ed")});
  zone.clear_query_log();
  auto r = verify(m);
  ASSERT_EQ(r.size(), 3u);
  for (const auto& x : r) EXPECT_EQ(x.status, DkimStatus::pass) << x.reason;
  EXPECT_EQ(zone.query_count(), 2u);
}

// The keys can be fetched as soon as the header section is read, before the body; verify()
// then asks for nothing more.
TEST_F(Verifier, KeysFetchedFromTheHeaderSectionAlone) {
  const std::string m = sign({config(test::rsa_key()), config(test::ed25519_key(), "ed")});
  const std::size_t body_at = m.find("\r\n\r\n") + 4;
  testing::QueryOnlyResolver remote(zone);
  for (const bool at_hand : {true, false}) {
    dns::Resolver& resolver = at_hand ? static_cast<dns::Resolver&>(zone) : remote;
    DkimVerifier verifier(options);
    message::MessageReader reader(&verifier);
    EXPECT_FALSE(verifier.fetch_keys_now(resolver));  // no header section yet
    ASSERT_TRUE(reader.feed(m.substr(0, body_at)));
    EXPECT_EQ(verifier.fetch_keys_now(resolver), at_hand);
    asio::io_context io;
    if (!at_hand) {
      dns::run_sync(io, [&]() -> asio::awaitable<int> {
        co_await verifier.fetch_keys(resolver);
        co_return 0;
      }());
      EXPECT_EQ(remote.queries, 2);
    }
    zone.clear_query_log();
    ASSERT_TRUE(reader.feed(m.substr(body_at)));
    ASSERT_TRUE(reader.finish());
    const auto results = dns::run_sync(io, verifier.verify(resolver));
    ASSERT_EQ(results.size(), 2u);
    for (const auto& r : results) EXPECT_EQ(r.status, DkimStatus::pass) << r.reason;
    EXPECT_EQ(zone.query_count(), 0u);  // nothing asked again
    EXPECT_EQ(remote.queries, at_hand ? 0 : 2);
  }
}

TEST_F(Verifier, KeyCacheDecodesOnce) {
  KeyCache cache;
  std::string m = sign({config(test::rsa_key())});
  for (int i = 0; i < 3; ++i) {
    asio::io_context io;
    auto r = dns::run_sync(io, verify_message(m, zone, options, &cache));
    EXPECT_EQ(r[0].status, DkimStatus::pass);
  }
  EXPECT_EQ(cache.size(), 1u);
}

TEST(KeyCacheEntries, AnotherRecordAtTheSameNameIsAMissAndReplacesIt) {
  KeyCache cache;
  const auto now = std::chrono::steady_clock::now();
  const auto later = now + std::chrono::seconds(60);
  const std::string name = "sel._domainkey.example.test";
  const std::string old_text = format_key_record(KeyType::rsa, test::rsa_key().public_key_der());
  const std::string new_text =
      format_key_record(KeyType::ed25519, test::ed25519_key().public_key_der());
  auto entry = [](const std::string& text) {
    KeyRecord record = parse_key_record(text).value();
    return CachedKey{record, PublicKey::from_record(record).value()};
  };
  cache.store(name, old_text, entry(old_text), later);
  ASSERT_TRUE(cache.find(name, old_text, now));
  EXPECT_FALSE(cache.find(name, new_text, now));  // the key was rotated: parse the new text
  EXPECT_FALSE(cache.find("other._domainkey.example.test", old_text, now));
  EXPECT_FALSE(cache.find(name, old_text, later));  // expired
  cache.store(name, new_text, entry(new_text), later);
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_FALSE(cache.find(name, old_text, now));
  auto hit = cache.find(name, new_text, now);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->key.type(), KeyType::ed25519);
}

TEST_F(Verifier, CapOnSignatures) {
  options.max_signatures = 2;
  std::string m = sign({config(test::rsa_key()), config(test::rsa_key()), config(test::rsa_key())});
  auto r = verify(m);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].status, DkimStatus::pass);
  EXPECT_EQ(r[1].status, DkimStatus::pass);
  EXPECT_EQ(r[2].status, DkimStatus::policy);
  EXPECT_NE(r[2].reason.find("more than 2"), std::string::npos);
}

// RFC 6376 3.5: the signer never writes an x= at or before t=, nor a time beyond 12 digits.
TEST_F(Verifier, SignerRefusesTimesTheGrammarForbids) {
  for (auto [t, x] : std::initializer_list<std::pair<std::int64_t, std::optional<std::int64_t>>>{
           {1700000000, 1700000000},
           {1700000000, 1699999900},
           {-5, std::nullopt},
           {1000000000000, std::nullopt},
           {1700000000, 1000000000000}}) {
    auto c = config(test::rsa_key());
    c.timestamp = t;
    c.expiration = x;
    auto signed_message = sign_message(kMessage, {c});
    EXPECT_FALSE(signed_message.ok()) << t;
  }
  auto c = config(test::rsa_key());
  c.timestamp = 1700000000;
  c.expiration = 1700000001;
  EXPECT_TRUE(sign_message(kMessage, {c}).ok());
}

TEST_F(Verifier, ExpiryAndFutureTimestampWithSkew) {
  auto c = config(test::rsa_key());
  c.timestamp = 1700000000;
  c.expiration = 1700000050;
  std::string m = sign({c});
  options.clock_skew = std::chrono::seconds(0);
  options.now = 1700000051;
  EXPECT_EQ(verify(m)[0].status, DkimStatus::permerror);
  EXPECT_NE(verify(m)[0].reason.find("expired"), std::string::npos);
  options.clock_skew = std::chrono::seconds(10);
  EXPECT_EQ(verify(m)[0].status, DkimStatus::pass);
  options.now = 1699999980;
  options.future_skew = std::chrono::seconds(20);
  EXPECT_EQ(verify(m)[0].status, DkimStatus::pass);
  options.future_skew = std::chrono::seconds(19);
  EXPECT_NE(verify(m)[0].reason.find("in the future"), std::string::npos);
}

// VerifyOptions::now and the skews are the caller's: the extremes of int64 neither overflow
// (UBSan in the asan build) nor flip the answer.
TEST_F(Verifier, ClockAtTheEndsOfInt64) {
  auto c = config(test::rsa_key());
  c.timestamp = 1700000000;
  c.expiration = 1700000050;
  std::string m = sign({c});
  options.now = std::numeric_limits<std::int64_t>::max();
  options.future_skew = std::chrono::seconds(86400);
  EXPECT_NE(verify(m)[0].reason.find("expired"), std::string::npos);
  options.now = std::numeric_limits<std::int64_t>::min();
  options.clock_skew = std::chrono::seconds(300);
  EXPECT_NE(verify(m)[0].reason.find("in the future"), std::string::npos);
  options.now = 1;
  options.future_skew = std::chrono::seconds::max();
  EXPECT_EQ(verify(m)[0].status, DkimStatus::pass);
}

TEST_F(Verifier, DnsOutcomes) {
  std::string m = sign({config(test::rsa_key(), "gone")});
  auto r = verify(m);
  EXPECT_EQ(r[0].status, DkimStatus::permerror);
  EXPECT_EQ(r[0].reason, "no key record at gone._domainkey.example.test");
  zone.inject_failure("gone._domainkey.example.test", dns::Status::servfail);
  EXPECT_EQ(verify(m)[0].status, DkimStatus::temperror);
  // A body that no longer matches bh= fails whatever key a retry would bring (RFC 6376 6.1.3).
  auto altered = verify(m + "footer\r\n");
  EXPECT_EQ(altered[0].status, DkimStatus::fail);
  EXPECT_EQ(altered[0].reason, "body hash did not verify");
}

TEST_F(Verifier, KeyRecordProblems) {
  auto check = [&](std::string record, std::string_view want) {
    dns::ZoneResolver z;
    z.add_txt("k._domainkey.example.test", split_txt_strings(record));
    auto r = test::verify(sign({config(test::rsa_key(), "k")}), z, options);
    ASSERT_EQ(r.size(), 1u);
    EXPECT_NE(r[0].status, DkimStatus::pass) << record;
    EXPECT_NE(r[0].reason.find(want), std::string::npos) << r[0].reason;
  };
  std::string p = base64_encode(test::rsa_key().public_key_der());
  check("v=DKIM1; k=rsa; p=", "revoked");
  check("v=DKIM1; k=ed25519; p=" + p, "does not match");
  check("v=DKIM1; h=sha1; p=" + p, "h= does not allow");
  check("v=DKIM1; s=tlsrpt; p=" + p, "s= does not include email");
  check("v=DKIM1; p=" + p.substr(0, 40), "not a valid RSA public key");
  check("v=DKIM2; p=" + p, "not DKIM1");
  auto strict = config(test::rsa_key(), "k");
  strict.identity = "joe@sub.example.test";
  dns::ZoneResolver z;
  z.add_txt("k._domainkey.example.test", split_txt_strings("t=s; p=" + p));
  auto r = test::verify(sign({strict}), z, options);
  EXPECT_EQ(r[0].status, DkimStatus::permerror);
  EXPECT_NE(r[0].reason.find("t=s"), std::string::npos);
}

// Several TXT records at a key name (RFC 6376 3.6.2.2 leaves the choice to the verifier): ones
// that are not key records are passed over; two key records are refused, never guessed at.
TEST_F(Verifier, SeveralTxtRecordsAtTheKeyName) {
  std::string m = sign({config(test::rsa_key(), "sel")});
  dns::ZoneResolver z;  // the key record last, behind two that are not key records
  z.add_txt("sel._domainkey.example.test", {"v=spf1 -all"});
  z.add_txt("sel._domainkey.example.test", {"google-site-verification=abc123"});
  publish(z, "sel", "example.test", test::rsa_key());
  auto r = test::verify(m, z, options);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].status, DkimStatus::pass) << r[0].reason;

  z.add_txt("sel._domainkey.example.test",
            {format_key_record(KeyType::ed25519, test::ed25519_key().public_key_der())});
  r = test::verify(m, z, options);
  EXPECT_EQ(r[0].status, DkimStatus::permerror);
  EXPECT_EQ(r[0].reason,
            "sel._domainkey.example.test: 2 key records among 4 TXT records; RFC 6376 3.6.2.2 "
            "leaves the choice undefined");

  dns::ZoneResolver junk_only;
  junk_only.add_txt("sel._domainkey.example.test", {"v=spf1 -all"});
  junk_only.add_txt("sel._domainkey.example.test", {"hello"});
  r = test::verify(m, junk_only, options);
  EXPECT_EQ(r[0].status, DkimStatus::permerror);
  EXPECT_NE(r[0].reason.find("none of 2 TXT records is a key record"), std::string::npos)
      << r[0].reason;
}

TEST_F(Verifier, Rsa1024MinimumAndSha1Refused) {
  auto small = PrivateKey::generate(KeyType::rsa, 1024).value();
  publish(zone, "small", "example.test", small);
  options.min_rsa_bits = 2048;
  auto r = verify(sign({config(small, "small")}));
  EXPECT_EQ(r[0].status, DkimStatus::permerror);
  EXPECT_NE(r[0].reason.find("below the 2048-bit minimum"), std::string::npos);
  // An rsa-sha1 signature is refused before any lookup.
  std::string m = std::string(
                      "DKIM-Signature: v=1; a=rsa-sha1; d=example.test; s=sel; h=from; "
                      "bh=2jmj7l5rSw0yVb/vlWAYkK/YBwk=; b=AAAA\r\n") +
                  std::string(kMessage);
  zone.clear_query_log();
  r = verify(m);
  EXPECT_EQ(r[0].status, DkimStatus::permerror);
  EXPECT_EQ(r[0].reason, "rsa-sha1 is not accepted (RFC 8301)");
  EXPECT_EQ(zone.query_count(), 0u);
}

TEST_F(Verifier, SyntaxErrorIsNeutralWithWhatCouldBeRead) {
  std::string m =
      "DKIM-Signature: v=1; a=rsa-sha256; d=example.test; s=sel; h=to; bh=x; "
      "b=AAAA\r\n" +
      std::string(kMessage);
  auto r = verify(m);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].status, DkimStatus::neutral);
  EXPECT_EQ(r[0].domain, "example.test");
  EXPECT_EQ(r[0].selector, "sel");
}

TEST_F(Verifier, StreamedInTinyChunks) {
  std::string m = sign({config(test::rsa_key()), config(test::ed25519_key(), "ed")});
  DkimVerifier verifier(options);
  message::MessageReader reader(&verifier);
  for (char c : m) ASSERT_TRUE(reader.feed(std::string_view(&c, 1)).ok());
  ASSERT_TRUE(reader.finish().ok());
  asio::io_context io;
  auto r = dns::run_sync(io, verifier.verify(zone));
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].status, DkimStatus::pass);
  EXPECT_EQ(r[1].status, DkimStatus::pass);
}

TEST_F(Verifier, SignerRefusals) {
  EXPECT_FALSE(sign_message("To: x@example.org\r\n\r\nbody\r\n", {config(test::rsa_key())}).ok());
  auto sha1 = config(test::rsa_key());
  sha1.algorithm = Algorithm::rsa_sha1;
  EXPECT_FALSE(sign_message(kMessage, {sha1}).ok());
  auto mismatch = config(test::rsa_key());
  mismatch.algorithm = Algorithm::ed25519_sha256;
  EXPECT_FALSE(sign_message(kMessage, {mismatch}).ok());
  auto bad_i = config(test::rsa_key());
  bad_i.identity = "joe@example.org";
  EXPECT_FALSE(sign_message(kMessage, {bad_i}).ok());
}

TEST(UniqueBPrefix, ShortestPrefixThatTellsSignaturesApart) {
  std::vector<DkimResult> results(2);
  results[0].signature_text = "AbCdEfGhIjK1";
  results[1].signature_text = "AbCdEfGhIjK2";
  assign_unique_b_prefixes(results);
  EXPECT_EQ(results[0].header_b, "AbCdEfGhIjK1");
  EXPECT_EQ(results[1].header_b, "AbCdEfGhIjK2");
  results[1].signature_text = "Zb/dEfGhIjK2";
  assign_unique_b_prefixes(results);
  EXPECT_EQ(results[0].header_b, "AbCdEfGh");
  EXPECT_EQ(results[1].header_b, "Zb/dEfGh");
}

}  // namespace
}  // namespace senderauth::dkim
