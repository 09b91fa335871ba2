// ValiMail's ARC signing suite: each case seals the message with the fixed t= and compares the
// AAR, AMS and AS with the expected values. Whitespace is not significant (the upstream runner
// deletes it); everything else is, b= included, so the signed bytes must be dkimpy's exactly.
// Each new set is then checked with our own verifier.
#include <gtest/gtest.h>

#include <asio/io_context.hpp>

#include "arc_suite.hpp"
#include "senderauth/arc/sealer.hpp"
#include "senderauth/arc/verifier.hpp"
#include "senderauth/dns/run_sync.hpp"
#include "support/conformance.hpp"

namespace senderauth::arc {
namespace {

using testing::SigningCase;

const std::vector<SigningCase>& all_cases() {
  static const std::vector<SigningCase> cases = testing::load_signing_cases();
  return cases;
}

std::string without_whitespace(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') out += c;
  }
  return out;
}

// The value of a whole field "Name: value\r\n".
std::string field_value(const std::string& field) {
  auto colon = field.find(':');
  return colon == std::string::npos ? field : field.substr(colon + 1);
}

}  // namespace
}  // namespace senderauth::arc

namespace senderauth::arc::testing {
// gtest prints the case id instead of the object's bytes.
inline void PrintTo(const SigningCase& c, std::ostream* os) {
  *os << c.id;
}
}  // namespace senderauth::arc::testing

namespace senderauth::arc {
namespace {

class ArcSigningSuite : public ::testing::TestWithParam<SigningCase> {};

TEST_P(ArcSigningSuite, ReproducesExpectedSet) {
  const SigningCase& c = GetParam();
  auto key = dkim::PrivateKey::from_pem(c.private_key_pem);
  ASSERT_TRUE(key.ok()) << key.reason();
  SealOptions options;
  options.domain = c.domain;
  options.selector = c.selector;
  options.authserv_id = c.srv_id;
  options.key = *key;
  options.headers = c.sig_headers;
  options.timestamp = c.t;
  auto sealed = seal_message(c.message, options);
  ASSERT_TRUE(sealed.ok()) << sealed.reason();
  if (without_whitespace(c.as).empty()) {
    EXPECT_FALSE(sealed->sealed) << "expected no new ARC set";
    return;
  }
  ASSERT_TRUE(sealed->sealed) << sealed->reason;
  EXPECT_EQ(without_whitespace(field_value(sealed->auth_results)), without_whitespace(c.aar));
  EXPECT_EQ(without_whitespace(field_value(sealed->message_signature)), without_whitespace(c.ams));
  EXPECT_EQ(without_whitespace(field_value(sealed->arc_seal)), without_whitespace(c.as));

  // The sealed message must validate with the status the seal claims.
  auto zone = testing::make_zone(c.txt_records);
  asio::io_context io;
  ArcResult result =
      dns::run_sync(io, verify_arc(sealed->fields() + c.message, *zone, VerifyOptions{}));
  if (sealed->chain_status == ChainStatus::fail) {
    EXPECT_EQ(result.status, ChainStatus::fail);
  } else {
    EXPECT_EQ(result.status, ChainStatus::pass) << result.reason;
  }
}

INSTANTIATE_TEST_SUITE_P(Suite, ArcSigningSuite, ::testing::ValuesIn(all_cases()),
                         [](const auto& info) { return testing::test_name(info.param.id); });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(ArcSigningSuite);

TEST(ArcSigningSuitePresence, AllCasesLoaded) {
  SENDERAUTH_NEED_CONFORMANCE("arc/arc-draft-sign-tests.yml");
  EXPECT_EQ(all_cases().size(), 17u);
}

}  // namespace
}  // namespace senderauth::arc
