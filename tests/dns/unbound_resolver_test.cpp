// libunbound-only behaviour: our own per-query deadline, SERVFAIL, option errors.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>

#include "senderauth/dns/run_sync.hpp"
#include "senderauth/dns/unbound_resolver.hpp"
#include "support/conformance.hpp"
#include "support/nsd_server.hpp"

namespace senderauth::dns {
namespace {

using namespace std::chrono_literals;

#define NEED_NSD()                                                    \
  do {                                                                \
    if (!testing::NsdServer::available()) {                           \
      if (testing::running_in_ci()) FAIL() << "nsd missing under CI"; \
      GTEST_SKIP() << "nsd not installed";                            \
    }                                                                 \
  } while (0)

// A UDP socket on 127.0.0.1 that is bound but never read: queries to it go unanswered.
class SilentUdpServer {
 public:
  SilentUdpServer() {
    fd_ = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (fd_ >= 0 && ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      port_ = ntohs(addr.sin_port);
    }
  }
  ~SilentUdpServer() {
    if (fd_ >= 0) ::close(fd_);
  }
  std::string address() const { return "127.0.0.1@" + std::to_string(port_); }
  std::uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

TEST(UnboundResolver, TimeoutIsEnforcedByUs) {
  SilentUdpServer silent;
  ASSERT_NE(silent.port(), 0);
  asio::io_context io;
  UnboundOptions options;
  options.forwarders = {silent.address()};
  options.timeout = 300ms;
  auto resolver = UnboundResolver::create(io.get_executor(), options);
  ASSERT_TRUE(resolver.ok()) << resolver.reason();

  const auto start = std::chrono::steady_clock::now();
  auto answer = run_sync(io, (*resolver)->query("www.example.test", RecordType::A));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(answer.status, Status::timeout) << answer.error_text;
  EXPECT_TRUE(answer.temporary_failure());
  EXPECT_FALSE(answer.error_text.empty());
  EXPECT_GE(elapsed, 300ms);
  EXPECT_LE(elapsed, 2s);  // bound loose enough for a loaded 2-core machine

  // The resolver stays usable after a cancelled query.
  auto again = run_sync(io, (*resolver)->query("other.example.test", RecordType::TXT));
  EXPECT_EQ(again.status, Status::timeout);
}

TEST(UnboundResolver, ZoneNotServedGivesServfail) {
  NEED_NSD();
  auto server = testing::NsdServer::start({{"example.test", "www IN A 192.0.2.1\n"}});
  ASSERT_TRUE(server.ok()) << server.reason();
  asio::io_context io;
  UnboundOptions options;
  options.forwarders = {(*server)->address()};
  options.timeout = 10s;
  auto resolver = UnboundResolver::create(io.get_executor(), options);
  ASSERT_TRUE(resolver.ok()) << resolver.reason();
  // nsd REFUSES a zone it does not serve; unbound turns that into SERVFAIL.
  auto answer = run_sync(io, (*resolver)->query("www.other.test", RecordType::A));
  EXPECT_EQ(answer.status, Status::servfail)
      << to_string(answer.status) << " " << answer.error_text;
  EXPECT_TRUE(answer.temporary_failure());
}

TEST(UnboundResolver, SecondLookupAnsweredFromUnboundCache) {
  NEED_NSD();
  auto server = testing::NsdServer::start({{"example.test", "www 600 IN A 192.0.2.1\n"}});
  ASSERT_TRUE(server.ok()) << server.reason();
  asio::io_context io;
  UnboundOptions options;
  options.forwarders = {(*server)->address()};
  auto resolver = UnboundResolver::create(io.get_executor(), options);
  ASSERT_TRUE(resolver.ok()) << resolver.reason();
  auto first = run_sync(io, (*resolver)->query("www.example.test", RecordType::A));
  ASSERT_EQ(first.status, Status::ok) << first.error_text;
  server.value().reset();  // nsd gone: only unbound's cache can answer now
  auto second = run_sync(io, (*resolver)->query("www.example.test", RecordType::A));
  ASSERT_EQ(second.status, Status::ok) << second.error_text;
  EXPECT_EQ(second.addresses, first.addresses);
  EXPECT_LE(second.ttl, 600u);
  EXPECT_EQ(second.dnssec, DnssecState::indeterminate);
}

TEST(UnboundResolver, BadForwarderTextIsAnError) {
  asio::io_context io;
  for (const char* bad :
       {"not-an-ip", "127.0.0.1@", "127.0.0.1@0", "127.0.0.1@70000", "127.0.0.1@53x", ""}) {
    UnboundOptions options;
    options.forwarders = {bad};
    auto resolver = UnboundResolver::create(io.get_executor(), options);
    ASSERT_FALSE(resolver.ok()) << bad;
    EXPECT_NE(resolver.reason().find("forwarder"), std::string::npos) << resolver.reason();
  }
}

TEST(UnboundResolver, AcceptsIpv6AndPortlessForwarders) {
  asio::io_context io;
  UnboundOptions options;
  options.forwarders = {"::1@5353", "127.0.0.1"};
  auto resolver = UnboundResolver::create(io.get_executor(), options);
  EXPECT_TRUE(resolver.ok()) << resolver.reason();
}

TEST(UnboundResolver, RecursionWithForwardersIsAnError) {
  asio::io_context io;
  UnboundOptions options;
  options.recursion = true;
  options.forwarders = {"127.0.0.1@5353"};
  EXPECT_FALSE(UnboundResolver::create(io.get_executor(), options).ok());
}

TEST(UnboundResolver, MissingTrustAnchorIsAnError) {
  asio::io_context io;
  UnboundOptions options;
  options.recursion = true;
  options.dnssec = true;
  options.trust_anchor_file = "/nonexistent/root.key";
  auto resolver = UnboundResolver::create(io.get_executor(), options);
  ASSERT_FALSE(resolver.ok());
  EXPECT_NE(resolver.reason().find("trust anchor"), std::string::npos) << resolver.reason();
}

TEST(UnboundResolver, RecursionWithDebianTrustAnchorConfigures) {
  if (::access("/usr/share/dns/root.key", R_OK) != 0) GTEST_SKIP() << "dns-root-data missing";
  asio::io_context io;
  UnboundOptions options;
  options.recursion = true;
  options.dnssec = true;
  EXPECT_TRUE(UnboundResolver::create(io.get_executor(), options).ok());
}

// The default configuration reads /etc/resolv.conf. Only creating resolvers here: nothing is
// asked, so the machine's resolver (and the Internet) is never contacted.
TEST(UnboundResolver, DefaultForwardersComeFromResolvConfWithoutQuerying) {
  asio::io_context io;
  if (::access("/etc/resolv.conf", R_OK) == 0) {
    auto system = UnboundResolver::create(io.get_executor(), UnboundOptions{});
    EXPECT_TRUE(system.ok()) << system.reason();
  }

  const auto dir = std::filesystem::temp_directory_path() /
                   ("senderauth-resolvconf-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "resolv.conf") << "# test\nnameserver 127.0.0.1\nnameserver ::1\n";
  UnboundOptions options;
  options.resolv_conf = (dir / "resolv.conf").string();
  auto custom = UnboundResolver::create(io.get_executor(), options);
  EXPECT_TRUE(custom.ok()) << custom.reason();

  options.resolv_conf = (dir / "missing.conf").string();
  auto missing = UnboundResolver::create(io.get_executor(), options);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.reason().find("missing.conf"), std::string::npos) << missing.reason();
  std::filesystem::remove_all(dir);
}

// A query still waiting when its resolver goes away ends as a timeout and touches nothing
// freed (the ASan build checks the second half).
TEST(UnboundResolver, QueryOutlivingItsResolverEndsCleanly) {
  SilentUdpServer silent;
  ASSERT_NE(silent.port(), 0);
  asio::io_context io;
  UnboundOptions options;
  options.forwarders = {silent.address()};
  options.timeout = 200ms;
  auto resolver = UnboundResolver::create(io.get_executor(), options);
  ASSERT_TRUE(resolver.ok()) << resolver.reason();
  std::optional<Answer> answer;
  asio::co_spawn(io, (*resolver)->query("www.example.test", RecordType::A),
                 [&](std::exception_ptr, Answer a) { answer = std::move(a); });
  io.run_for(50ms);
  EXPECT_FALSE(answer.has_value());
  resolver.value().reset();
  io.restart();
  io.run();
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->status, Status::timeout);
}

// Several resolvers on one loop, created and destroyed in turn, each answering.
TEST(UnboundResolver, ResolversComeAndGoOnOneLoop) {
  NEED_NSD();
  auto server = testing::NsdServer::start({{"example.test", "www IN A 192.0.2.1\n"}});
  ASSERT_TRUE(server.ok()) << server.reason();
  asio::io_context io;
  UnboundOptions options;
  options.forwarders = {(*server)->address()};
  options.timeout = 10s;
  for (int i = 0; i < 3; ++i) {
    auto resolver = UnboundResolver::create(io.get_executor(), options);
    ASSERT_TRUE(resolver.ok()) << resolver.reason();
    auto answer = run_sync(io, (*resolver)->query("www.example.test", RecordType::A));
    EXPECT_EQ(answer.status, Status::ok) << answer.error_text;
  }
}

TEST(UnboundResolver, ZeroTimeoutIsAnError) {
  asio::io_context io;
  UnboundOptions options;
  options.forwarders = {"127.0.0.1@5353"};
  options.timeout = 0ms;
  EXPECT_FALSE(UnboundResolver::create(io.get_executor(), options).ok());
}

}  // namespace
}  // namespace senderauth::dns
