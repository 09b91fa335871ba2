#include "senderauth/arc/forwarder_override.hpp"

#include <gtest/gtest.h>

#include "senderauth/arc/arc_result.hpp"

namespace senderauth::arc {
namespace {

const std::vector<std::string> kChain = {"lists.example.org", "relay.example.net"};

TEST(ForwarderOverride, AppliesForTrustedSealerOfPassingChain) {
  auto d = trusted_forwarder_override(true, ChainStatus::pass, kChain, {"Relay.Example.NET."});
  EXPECT_TRUE(d.applies);
  EXPECT_EQ(d.reason_type, "arc");
  EXPECT_EQ(d.trusted_sealer, "relay.example.net");
}

TEST(ForwarderOverride, NewestTrustedSealerIsNamed) {
  auto d = trusted_forwarder_override(true, ChainStatus::pass, kChain,
                                      {"relay.example.net", "lists.example.org"});
  ASSERT_TRUE(d.applies);
  EXPECT_EQ(d.trusted_sealer, "lists.example.org");
}

TEST(ForwarderOverride, SubdomainEntries) {
  EXPECT_TRUE(
      trusted_forwarder_override(true, ChainStatus::pass, kChain, {".example.org"}).applies);
  EXPECT_TRUE(
      trusted_forwarder_override(true, ChainStatus::pass, kChain, {"*.example.org"}).applies);
  EXPECT_FALSE(
      trusted_forwarder_override(true, ChainStatus::pass, {"example.org"}, {".example.org"})
          .applies);
  // A plain entry is not a suffix match.
  EXPECT_FALSE(
      trusted_forwarder_override(true, ChainStatus::pass, kChain, {"example.org"}).applies);
  EXPECT_FALSE(
      trusted_forwarder_override(true, ChainStatus::pass, {"evilexample.org"}, {".example.org"})
          .applies);
}

TEST(ForwarderOverride, NeverWithoutDmarcFailureOrPassingChain) {
  const std::vector<std::string> trusted = {"lists.example.org"};
  EXPECT_FALSE(trusted_forwarder_override(false, ChainStatus::pass, kChain, trusted).applies);
  auto fail = trusted_forwarder_override(true, ChainStatus::fail, kChain, trusted);
  EXPECT_FALSE(fail.applies);
  EXPECT_NE(fail.comment.find("fail"), std::string::npos);
  EXPECT_FALSE(trusted_forwarder_override(true, ChainStatus::none, {}, trusted).applies);
  EXPECT_FALSE(trusted_forwarder_override(true, ChainStatus::pass, kChain, {}).applies);
  EXPECT_FALSE(trusted_forwarder_override(true, ChainStatus::pass, kChain, {""}).applies);
}

TEST(ForwarderOverride, NotForAFieldAddedAfterSealing) {
  const std::vector<std::string> trusted = {"lists.example.org"};
  auto d = trusted_forwarder_override(true, ChainStatus::pass, kChain, trusted,
                                      "2 Subject fields, 1 signed");
  EXPECT_FALSE(d.applies);
  EXPECT_EQ(d.comment,
            "sealed by trusted forwarder lists.example.org, but its ARC-Message-Signature leaves "
            "a copy unsigned (2 Subject fields, 1 signed; RFC 6376 8.15)");
  EXPECT_TRUE(trusted_forwarder_override(true, ChainStatus::pass, kChain, trusted, "").applies);
}

}  // namespace
}  // namespace senderauth::arc
