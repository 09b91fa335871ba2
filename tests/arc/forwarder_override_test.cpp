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

TEST(AuthresClause, NoneFailPass) {
  ArcResult none;
  EXPECT_EQ(authres_clause(none, IpAddress::parse("192.0.2.1").value()), "arc=none");
  ArcResult fail;
  fail.status = ChainStatus::fail;
  fail.reason = "ARC-Seal i=1 (x) did not verify";
  fail.instances = 1;
  fail.sets.push_back(ArcSetReport{});
  fail.sets[0].seal_domain = "a.example";
  EXPECT_EQ(authres_clause(fail),
            "arc=fail (ARC-Seal i=1 \\(x\\) did not verify) arc.chain=a.example");
  ArcResult pass;
  pass.status = ChainStatus::pass;
  pass.instances = 2;
  pass.oldest_pass = 2;
  pass.sets.resize(2);
  pass.sets[0].seal_domain = "a.example";
  pass.sets[1].seal_domain = "b.example";
  EXPECT_EQ(authres_clause(pass, IpAddress::parse("2001:db8::1").value()),
            "arc=pass (i=2) header.oldest-pass=2 smtp.remote-ip=2001:db8::1 "
            "arc.chain=b.example:a.example");
}

}  // namespace
}  // namespace senderauth::arc
