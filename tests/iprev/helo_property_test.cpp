// Random HELO arguments (fixed seed, built from the characters that matter to the syntax):
// examine_helo() keeps its promises for every one. (A libFuzzer target would be the natural
// home, but clang-14 cannot build the coroutine code this library links; see the report.)
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "senderauth/iprev/helo.hpp"

namespace senderauth::iprev {
namespace {

TEST(HeloProperty, RandomArgumentsKeepTheInvariants) {
  HeloOptions options;
  options.own_names = {"mx.receiver.example"};
  options.own_addresses = {IpAddress::parse("198.51.100.25").value()};
  const IpAddress clients[] = {IpAddress::parse("192.0.2.1").value(),
                               IpAddress::parse("127.0.0.1").value()};
  const std::string alphabet = "abcXYZ019.-_:[]IPv6 \r\n\t\x01\x7f\xc3\xa9@localhost";
  std::mt19937 rng(20260523);
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::uniform_int_distribution<std::size_t> length(0, 40);
  for (int i = 0; i < 20000; ++i) {
    std::string helo;
    for (std::size_t n = length(rng); n > 0; --n) helo += alphabet[pick(rng)];
    for (const auto& client : clients) {
      HeloResult r = examine_helo(helo, client, options);
      ASSERT_EQ(r.syntax == HeloSyntax::invalid, !r.problem.empty()) << helo;
      ASSERT_EQ(r.reject_recommended(), r.loop) << helo;
      ASSERT_TRUE(!r.loop || !r.loop_reason.empty()) << helo;
      ASSERT_TRUE(r.syntax != HeloSyntax::fqdn || r.name.find('.') != std::string::npos) << helo;
      ASSERT_TRUE(r.syntax != HeloSyntax::address_literal || r.literal.has_value()) << helo;
      for (char c : r.name) ASSERT_FALSE(c >= 'A' && c <= 'Z') << helo;
      for (char c : r.summary()) {
        auto u = static_cast<unsigned char>(c);
        ASSERT_TRUE(u >= 0x20 && u < 0x7f) << helo;
      }
    }
  }
}

}  // namespace
}  // namespace senderauth::iprev
