// libunbound-only behaviour: our own per-query deadline, SERVFAIL, option errors.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>

#include "dns/unbound_wire.hpp"
#include "senderauth/core/base64.hpp"
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

// A UDP socket bound to 127.0.0.1 at a free port; fd is -1 when that failed.
struct LoopbackUdpSocket {
  LoopbackUdpSocket() {
    const int s = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (s < 0 || ::bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
        ::getsockname(s, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      if (s >= 0) ::close(s);
      return;
    }
    fd = s;
    port = ntohs(addr.sin_port);
  }
  ~LoopbackUdpSocket() {
    if (fd >= 0) ::close(fd);
  }
  LoopbackUdpSocket(const LoopbackUdpSocket&) = delete;
  LoopbackUdpSocket& operator=(const LoopbackUdpSocket&) = delete;
  int fd = -1;
  std::uint16_t port = 0;
};

// A UDP socket on 127.0.0.1 that is bound but never read: queries to it go unanswered.
class SilentUdpServer {
 public:
  std::string address() const { return "127.0.0.1@" + std::to_string(socket_.port); }
  std::uint16_t port() const { return socket_.port; }

 private:
  LoopbackUdpSocket socket_;
};

TEST(UnboundResolver, TimeoutIsEnforcedByUs) {
  SilentUdpServer silent;
  ASSERT_NE(silent.port(), 0);
  asio::io_context io;
  auto resolver = testing::forwarding_resolver(io.get_executor(), silent.address(), 300ms);
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

// A UDP responder on 127.0.0.1 answering every A query with 192.0.2.1 (TTL 60): at once, or
// after `delay` for names whose first label starts with "slow".
class DelayedUdpServer {
 public:
  explicit DelayedUdpServer(std::chrono::milliseconds delay) : delay_(delay) {
    if (socket_.fd >= 0) thread_ = std::thread([this] { serve(); });
  }
  ~DelayedUdpServer() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  std::string address() const { return "127.0.0.1@" + std::to_string(socket_.port); }
  std::uint16_t port() const { return socket_.port; }
  int answered() const { return answered_; }

 private:
  // Slow answers are scheduled, not slept on: fast queries are answered meanwhile.
  void serve() {
    struct Due {
      std::chrono::steady_clock::time_point when;
      std::vector<std::uint8_t> reply;
      sockaddr_in peer;
    };
    std::vector<Due> due;
    while (!stop_) {
      const auto now = std::chrono::steady_clock::now();
      for (auto it = due.begin(); it != due.end();) {
        if (it->when > now) {
          ++it;
          continue;
        }
        ::sendto(socket_.fd, it->reply.data(), it->reply.size(), 0,
                 reinterpret_cast<const sockaddr*>(&it->peer), sizeof(it->peer));
        ++answered_;
        it = due.erase(it);
      }
      pollfd p{socket_.fd, POLLIN, 0};
      if (::poll(&p, 1, 5) != 1) continue;
      std::array<std::uint8_t, 512> query{};
      sockaddr_in peer{};
      socklen_t peer_len = sizeof(peer);
      const auto n = ::recvfrom(socket_.fd, query.data(), query.size(), 0,
                                reinterpret_cast<sockaddr*>(&peer), &peer_len);
      if (n < 17) continue;
      std::size_t end = 12;  // past the question name
      while (end < static_cast<std::size_t>(n) && query[end] != 0) end += query[end] + 1;
      end += 5;
      if (end > static_cast<std::size_t>(n)) continue;
      const bool slow = query[12] >= 4 && std::memcmp(&query[13], "slow", 4) == 0;
      std::vector<std::uint8_t> reply(query.begin(), query.begin() + static_cast<long>(end));
      reply[2] = 0x85;  // QR, AA, RD
      reply[3] = 0x80;  // RA, NOERROR
      reply[6] = 0;
      reply[7] = 1;  // one answer
      for (std::size_t i = 8; i < 12; ++i) reply[i] = 0;
      const std::uint8_t answer[] = {0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1};
      reply.insert(reply.end(), std::begin(answer), std::end(answer));
      due.push_back({now + (slow ? delay_ : std::chrono::milliseconds(0)), std::move(reply), peer});
    }
  }

  std::chrono::milliseconds delay_;
  LoopbackUdpSocket socket_;
  std::atomic<bool> stop_{false};
  std::atomic<int> answered_{0};
  std::thread thread_;
};

// A UDP responder on 127.0.0.1 answering each query as `respond` writes the reply: for what
// no zone file can hold (an NXDOMAIN carrying records, a negative answer without a SOA).
class ScriptedUdpServer {
 public:
  using Bytes = std::vector<std::uint8_t>;
  // `query` is the whole query, `question_end` the offset just past its question section.
  using Respond = std::function<Bytes(const Bytes& query, std::size_t question_end)>;

  explicit ScriptedUdpServer(Respond respond) : respond_(std::move(respond)) {
    if (socket_.fd >= 0) thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedUdpServer() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  std::string address() const { return "127.0.0.1@" + std::to_string(socket_.port); }
  std::uint16_t port() const { return socket_.port; }

  // The reply header for `query`: its id and question, QR AA RD RA, `rcode`, the counts given.
  static Bytes header(const Bytes& query, std::size_t question_end, std::uint8_t rcode,
                      std::uint8_t answers, std::uint8_t authority) {
    Bytes reply(query.begin(), query.begin() + static_cast<long>(question_end));
    reply[2] = 0x85;
    reply[3] = static_cast<std::uint8_t>(0x80 | rcode);
    reply[6] = 0;
    reply[7] = answers;
    reply[8] = 0;
    reply[9] = authority;
    reply[10] = 0;
    reply[11] = 0;
    return reply;
  }
  // An A record 192.0.2.1 (TTL 300) owned by the question name.
  static void add_a(Bytes& reply) {
    const std::uint8_t rr[] = {0xC0, 12, 0, 1, 0, 1, 0, 0, 1, 44, 0, 4, 192, 0, 2, 1};
    reply.insert(reply.end(), std::begin(rr), std::end(rr));
  }
  // A SOA owned by the question name's parent (the zone), with this TTL and MINIMUM.
  static void add_soa(Bytes& reply, const Bytes& query, std::uint32_t ttl, std::uint32_t minimum) {
    const auto parent = static_cast<std::uint8_t>(12 + 1 + query[12]);
    const auto u32 = [&reply](std::uint32_t v) {
      for (int shift = 24; shift >= 0; shift -= 8) {
        reply.push_back(static_cast<std::uint8_t>(v >> shift));
      }
    };
    reply.insert(reply.end(), {0xC0, parent, 0, 6, 0, 1});  // owner: the zone; SOA, IN
    u32(ttl);
    reply.insert(reply.end(), {0, 24, 0xC0, parent, 0xC0, parent});  // rdlength, MNAME, RNAME
    for (std::uint32_t v : {1u, 3600u, 600u, 86400u}) u32(v);        // serial, refresh, ...
    u32(minimum);
  }
  // The question name's first label, lower-case.
  static std::string first_label(const Bytes& query) {
    std::string label(query.begin() + 13, query.begin() + 13 + query[12]);
    for (char& c : label) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return label;
  }

 private:
  void serve() {
    while (!stop_) {
      pollfd p{socket_.fd, POLLIN, 0};
      if (::poll(&p, 1, 5) != 1) continue;
      Bytes query(512);
      sockaddr_in peer{};
      socklen_t peer_len = sizeof(peer);
      const auto n = ::recvfrom(socket_.fd, query.data(), query.size(), 0,
                                reinterpret_cast<sockaddr*>(&peer), &peer_len);
      if (n < 17) continue;
      query.resize(static_cast<std::size_t>(n));
      std::size_t end = 12;
      while (end < query.size() && query[end] != 0) end += query[end] + 1;
      end += 5;
      if (end > query.size() || query[12] == 0) continue;
      Bytes reply = respond_(query, end);
      if (reply.empty()) continue;
      ::sendto(socket_.fd, reply.data(), reply.size(), 0, reinterpret_cast<const sockaddr*>(&peer),
               sizeof(peer));
    }
  }

  Respond respond_;
  LoopbackUdpSocket socket_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// Replies by the question's first label: "nxdata" NXDOMAIN with an A record and a SOA;
// "nxsoa" NXDOMAIN with a SOA (TTL 600, MINIMUM 5); "nxbare" NXDOMAIN without a SOA;
// "nodatasoa" NOERROR, no records, a SOA (TTL 3, MINIMUM 900); "nodatabare" the same without
// the SOA; anything else an A record.
ScriptedUdpServer::Bytes scripted_reply(const ScriptedUdpServer::Bytes& query, std::size_t end) {
  using S = ScriptedUdpServer;
  const std::string label = S::first_label(query);
  if (label == "nxdata") {
    auto reply = S::header(query, end, 3, 1, 1);
    S::add_a(reply);
    S::add_soa(reply, query, 600, 5);
    return reply;
  }
  if (label == "nxsoa") {
    auto reply = S::header(query, end, 3, 0, 1);
    S::add_soa(reply, query, 600, 5);
    return reply;
  }
  if (label == "nxbare") return S::header(query, end, 3, 0, 0);
  if (label == "nodatasoa") {
    auto reply = S::header(query, end, 0, 0, 1);
    S::add_soa(reply, query, 3, 900);
    return reply;
  }
  if (label == "nodatabare") return S::header(query, end, 0, 0, 0);
  if (label == "yxdomain") return S::header(query, end, 6, 0, 0);  // passed on by libunbound
  auto reply = S::header(query, end, 0, 1, 0);
  S::add_a(reply);
  return reply;
}

Answer ask_scripted(const std::string& name) {
  ScriptedUdpServer server(scripted_reply);
  EXPECT_NE(server.port(), 0);
  asio::io_context io;
  auto resolver = testing::forwarding_resolver(io.get_executor(), server.address(), 5s);
  EXPECT_TRUE(resolver.ok()) << resolver.reason();
  if (!resolver.ok()) return {};
  return run_sync(io, (*resolver)->query(name, RecordType::A));
}

// An NXDOMAIN that carries records contradicts itself: neither the records (ok) nor the
// "no such name" (a void lookup) may be believed. The protocols' temperror.
TEST(UnboundResolver, NxdomainWithAnswerRecordsIsAnError) {
  ::testing::internal::CaptureStderr();
  auto answer = ask_scripted("nxdata.bad.test");
  // libunbound's own complaint about the reply stays off stderr (the CLI's stderr contract).
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
  EXPECT_EQ(answer.status, Status::error) << to_string(answer.status);
  EXPECT_TRUE(answer.temporary_failure());
  EXPECT_TRUE(answer.addresses.empty());
  EXPECT_EQ(ask_scripted("plain.bad.test").status, Status::ok);
}

// An rcode other than NOERROR, SERVFAIL and NXDOMAIN (libunbound turns REFUSED, FORMERR and
// NOTIMP into SERVFAIL, but passes YXDOMAIN on) is an error, a temperror to the protocols:
// taken for NXDOMAIN it would be "no SPF record", "no DMARC policy".
TEST(UnboundResolver, OtherRcodesAreErrorsNotNxdomain) {
  auto answer = ask_scripted("yxdomain.bad.test");
  EXPECT_EQ(answer.status, Status::error) << to_string(answer.status);
  EXPECT_TRUE(answer.temporary_failure());
  EXPECT_FALSE(answer.empty_result());
  EXPECT_NE(answer.error_text.find("rcode 6"), std::string::npos) << answer.error_text;
}

// A name no DNS can hold is NXDOMAIN without asking (libunbound refuses it as a syntax error,
// which the protocols would take for a temporary failure); the longest one is still asked.
TEST(UnboundResolver, NamesThatCannotExistAreNxdomain) {
  const std::string label63(63, 'a');
  const std::string at_limit =
      std::string(52, 'd') + "." + label63 + "." + label63 + "." + label63 + ".bad.test";
  ASSERT_EQ(at_limit.size(), 253u);
  EXPECT_EQ(ask_scripted(at_limit).status, Status::ok);
  for (const std::string& name :
       {"e" + at_limit, label63 + "a.bad.test", std::string("plain..bad.test")}) {
    const Answer answer = ask_scripted(name);
    EXPECT_EQ(answer.status, Status::nxdomain) << name << ": " << answer.error_text;
    EXPECT_NE(answer.error_text.find("no such name can exist"), std::string::npos);
  }
}

// RFC 2308 5: a negative answer's TTL is min(SOA TTL, SOA MINIMUM) of the SOA it carries; one
// without a SOA gets 0 (not to be cached), never libunbound's placeholder (32768).
TEST(UnboundResolver, NegativeTtlComesFromTheSoaOrIsZero) {
  auto nx = ask_scripted("nxsoa.bad.test");
  EXPECT_EQ(nx.status, Status::nxdomain);
  EXPECT_EQ(nx.ttl, 5u);
  auto nodata = ask_scripted("nodatasoa.bad.test");
  EXPECT_EQ(nodata.status, Status::nodata);
  EXPECT_EQ(nodata.ttl, 3u);
  auto bare_nx = ask_scripted("nxbare.bad.test");
  EXPECT_EQ(bare_nx.status, Status::nxdomain);
  EXPECT_EQ(bare_nx.ttl, 0u);
  auto bare_nodata = ask_scripted("nodatabare.bad.test");
  EXPECT_EQ(bare_nodata.status, Status::nodata);
  EXPECT_EQ(bare_nodata.ttl, 0u);
}

// An answer arriving after our deadline (the query already withdrawn) must not disturb the
// queries that follow: they are answered, promptly.
TEST(UnboundResolver, LateAnswerAfterTimeoutDoesNotDisturbLaterQueries) {
  DelayedUdpServer server(700ms);
  ASSERT_NE(server.port(), 0);
  asio::io_context io;
  auto resolver = testing::forwarding_resolver(io.get_executor(), server.address(), 250ms);
  ASSERT_TRUE(resolver.ok()) << resolver.reason();

  auto late = run_sync(io, (*resolver)->query("slow.example.test", RecordType::A));
  EXPECT_EQ(late.status, Status::timeout);
  std::this_thread::sleep_for(1s);  // the late answer reaches libunbound meanwhile
  EXPECT_GE(server.answered(), 1);

  (*resolver).reset();
  for (int round = 0; round < 2; ++round) {
    auto fresh = testing::forwarding_resolver(io.get_executor(), server.address(), 10s);
    ASSERT_TRUE(fresh.ok()) << fresh.reason();
    const auto start = std::chrono::steady_clock::now();
    auto answer = run_sync(io, (*fresh)->query("fast.example.test", RecordType::A));
    EXPECT_EQ(answer.status, Status::ok) << answer.error_text;
    EXPECT_LE(std::chrono::steady_clock::now() - start, 5s);
  }
}

// The same on one resolver: the late answer lands in the result pipe of the resolver that
// withdrew the query, while nothing is being waited for.
TEST(UnboundResolver, LateAnswerOnTheSameResolver) {
  DelayedUdpServer server(900ms);
  ASSERT_NE(server.port(), 0);
  asio::io_context io;
  // 400 ms: loopback answers take ~1 ms, room enough on a loaded machine
  auto resolver = testing::forwarding_resolver(io.get_executor(), server.address(), 400ms);
  ASSERT_TRUE(resolver.ok()) << resolver.reason();
  EXPECT_EQ(run_sync(io, (*resolver)->query("slow.example.test", RecordType::A)).status,
            Status::timeout);
  std::this_thread::sleep_for(1500ms);  // the late answer (and a retry's) arrive meanwhile
  for (const char* name : {"fast1.example.test", "fast2.example.test", "slow.example.test"}) {
    auto answer = run_sync(io, (*resolver)->query(name, RecordType::A));
    // slow.example.test may now come from unbound's cache, or time out again: both are fine.
    if (std::string(name).starts_with("fast")) {
      EXPECT_EQ(answer.status, Status::ok) << name << ": " << answer.error_text;
    } else {
      EXPECT_TRUE(answer.status == Status::ok || answer.status == Status::timeout);
    }
  }
}

TEST(UnboundResolver, ZoneNotServedGivesServfail) {
  NEED_NSD();
  auto server = testing::NsdServer::start({{"example.test", "www IN A 192.0.2.1\n"}});
  ASSERT_TRUE(server.ok()) << server.reason();
  asio::io_context io;
  auto resolver = testing::forwarding_resolver(io.get_executor(), (*server)->address(), 10s);
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
  auto resolver = testing::forwarding_resolver(io.get_executor(), silent.address(), 200ms);
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

// ---- DNSSEC: a zone signed here (Ed25519 through the openssl command), served by nsd ------

bool openssl_available() {
  return std::system("openssl version >/dev/null 2>&1") == 0;
}

std::vector<std::uint8_t> read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void put16(std::vector<std::uint8_t>& out, std::uint32_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}
void put32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  put16(out, v >> 16);
  put16(out, v & 0xFFFF);
}

// Lower-case, uncompressed: the canonical form RFC 4034 6.2 signs.
std::vector<std::uint8_t> wire_name(const std::string& name) {
  std::vector<std::uint8_t> out;
  std::size_t start = 0;
  while (start < name.size()) {
    const std::size_t dot = std::min(name.find('.', start), name.size());
    out.push_back(static_cast<std::uint8_t>(dot - start));
    for (std::size_t i = start; i < dot; ++i) {
      out.push_back(static_cast<std::uint8_t>(std::tolower(static_cast<unsigned char>(name[i]))));
    }
    start = dot + 1;
  }
  out.push_back(0);
  return out;
}

std::string as_string(const std::vector<std::uint8_t>& bytes) {
  return std::string(bytes.begin(), bytes.end());
}

std::string rrsig_time(std::time_t t) {
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y%m%d%H%M%S", &tm);
  return buf;
}

// One Ed25519 key (algorithm 15) in a temp dir; signs single-record RRsets of `zone`.
class ZoneSigner {
 public:
  static std::unique_ptr<ZoneSigner> create(const std::string& zone) {
    auto dir = std::filesystem::temp_directory_path() /
               ("senderauth-dnssec-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::unique_ptr<ZoneSigner> signer(new ZoneSigner(zone, dir));
    const std::string key = (dir / "key.pem").string();
    const std::string pub = (dir / "pub.der").string();
    if (std::system(("openssl genpkey -algorithm ed25519 -out " + key + " 2>/dev/null").c_str()) !=
            0 ||
        std::system(("openssl pkey -in " + key + " -pubout -outform DER -out " + pub).c_str()) !=
            0) {
      return nullptr;
    }
    auto der = read_bytes(pub);
    if (der.size() < 32) return nullptr;
    signer->public_key_.assign(der.end() - 32, der.end());  // SPKI ends with the raw key
    put16(signer->dnskey_rdata_, 257);                      // zone key, secure entry point
    signer->dnskey_rdata_.push_back(3);
    signer->dnskey_rdata_.push_back(15);
    signer->dnskey_rdata_.insert(signer->dnskey_rdata_.end(), signer->public_key_.begin(),
                                 signer->public_key_.end());
    std::uint32_t sum = 0;  // RFC 4034 appendix B
    for (std::size_t i = 0; i < signer->dnskey_rdata_.size(); ++i) {
      sum += (i & 1) != 0 ? signer->dnskey_rdata_[i] : signer->dnskey_rdata_[i] << 8;
    }
    sum += (sum >> 16) & 0xFFFF;
    signer->key_tag_ = sum & 0xFFFF;
    return signer;
  }
  ~ZoneSigner() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  std::string dnskey_text() const {
    return "IN DNSKEY 257 3 15 " + base64_encode(as_string(public_key_));
  }
  std::string dnskey_line() const { return zone_ + ". 300 " + dnskey_text() + "\n"; }
  std::vector<std::uint8_t> dnskey_rdata() const { return dnskey_rdata_; }

  // "OWNER 300 IN RRSIG ..." over the one-record RRset (owner, type, rdata), TTL 300.
  // `corrupt` flips a bit of the signature: what a forged answer looks like.
  std::string rrsig_line(const std::string& owner, RecordType type, const std::string& type_name,
                         const std::vector<std::uint8_t>& rdata, bool corrupt = false) const {
    const std::uint32_t ttl = 300;
    const std::time_t now = std::time(nullptr);
    const std::string expiration = rrsig_time(now + 30 * 86400);
    const std::string inception = rrsig_time(now - 86400);
    std::size_t labels = 1;
    for (char c : owner) labels += c == '.' ? 1 : 0;

    std::vector<std::uint8_t> data;
    put16(data, static_cast<std::uint16_t>(type));
    data.push_back(15);
    data.push_back(static_cast<std::uint8_t>(labels));
    put32(data, ttl);
    put32(data, static_cast<std::uint32_t>(now + 30 * 86400));
    put32(data, static_cast<std::uint32_t>(now - 86400));
    put16(data, key_tag_);
    auto signer_name = wire_name(zone_);
    data.insert(data.end(), signer_name.begin(), signer_name.end());
    auto owner_wire = wire_name(owner);
    data.insert(data.end(), owner_wire.begin(), owner_wire.end());
    put16(data, static_cast<std::uint16_t>(type));
    put16(data, 1);  // IN
    put32(data, ttl);
    put16(data, static_cast<std::uint16_t>(rdata.size()));
    data.insert(data.end(), rdata.begin(), rdata.end());

    std::ofstream(dir_ / "data.bin", std::ios::binary)
        .write(reinterpret_cast<const char*>(data.data()),
               static_cast<std::streamsize>(data.size()));
    const std::string cmd = "openssl pkeyutl -sign -rawin -inkey " + (dir_ / "key.pem").string() +
                            " -in " + (dir_ / "data.bin").string() + " -out " +
                            (dir_ / "sig.bin").string();
    if (std::system(cmd.c_str()) != 0) return "; signing failed\n";
    auto signature = read_bytes(dir_ / "sig.bin");
    if (corrupt && !signature.empty()) signature[10] ^= 0x01;
    return owner + ". 300 IN RRSIG " + type_name + " 15 " + std::to_string(labels) + " 300 " +
           expiration + " " + inception + " " + std::to_string(key_tag_) + " " + zone_ + ". " +
           base64_encode(as_string(signature)) + "\n";
  }

 private:
  ZoneSigner(std::string zone, std::filesystem::path dir)
      : zone_(std::move(zone)), dir_(std::move(dir)) {}
  std::string zone_;
  std::filesystem::path dir_;
  std::vector<std::uint8_t> public_key_;
  std::vector<std::uint8_t> dnskey_rdata_;
  std::uint32_t key_tag_ = 0;
};

std::vector<std::uint8_t> a_rdata(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
  return {a, b, c, d};
}

// example.test signed with one key: www (good signature), forged (bad signature), plain (no
// signature at all), and the apex SOA, NS and DNSKEY sets signed.
struct SignedZone {
  std::unique_ptr<ZoneSigner> signer;
  std::string text;
};

std::optional<SignedZone> make_signed_zone() {
  auto signer = ZoneSigner::create("example.test");
  if (!signer) return std::nullopt;
  std::string text;
  const std::string soa_text =
      "IN SOA ns.example.test. hostmaster.example.test. 1 3600 600 86400 60";
  std::vector<std::uint8_t> soa = wire_name("ns.example.test");
  auto rname = wire_name("hostmaster.example.test");
  soa.insert(soa.end(), rname.begin(), rname.end());
  for (std::uint32_t v : {1u, 3600u, 600u, 86400u, 60u}) put32(soa, v);
  text += "example.test. 300 " + soa_text + "\n";
  text += signer->rrsig_line("example.test", RecordType::SOA, "SOA", soa);
  text += "example.test. 300 IN NS ns.example.test.\n";
  text += signer->rrsig_line("example.test", RecordType::NS, "NS", wire_name("ns.example.test"));
  text += "ns.example.test. 300 IN A 127.0.0.1\n";
  text += signer->dnskey_line();
  text += signer->rrsig_line("example.test", static_cast<RecordType>(48), "DNSKEY",
                             signer->dnskey_rdata());
  text += "www.example.test. 300 IN A 192.0.2.1\n";
  text += signer->rrsig_line("www.example.test", RecordType::A, "A", a_rdata(192, 0, 2, 1));
  text += "forged.example.test. 300 IN A 192.0.2.66\n";
  text += signer->rrsig_line("forged.example.test", RecordType::A, "A", a_rdata(192, 0, 2, 66),
                             /*corrupt=*/true);
  return SignedZone{std::move(signer), std::move(text)};
}

#define NEED_OPENSSL()                                                            \
  do {                                                                            \
    if (!openssl_available()) {                                                   \
      if (testing::running_in_ci()) FAIL() << "openssl command missing under CI"; \
      GTEST_SKIP() << "openssl command not installed: cannot sign a test zone";   \
    }                                                                             \
  } while (0)

class UnboundDnssec : public ::testing::Test {
 protected:
  void SetUp() override {
    NEED_NSD();
    NEED_OPENSSL();
    auto zone = make_signed_zone();
    ASSERT_TRUE(zone.has_value()) << "could not sign the test zone";
    zone_ = std::move(*zone);
    auto server = testing::NsdServer::start(
        {{"example.test", zone_.text}, {"plain.test", "www IN A 192.0.2.7\n"}});
    ASSERT_TRUE(server.ok()) << server.reason();
    nsd_ = std::move(server.value());
    anchor_ = std::filesystem::temp_directory_path() /
              ("senderauth-anchor-" + std::to_string(::getpid()) + ".key");
    std::ofstream(anchor_) << zone_.signer->dnskey_line();
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove(anchor_, ignored);
  }

  Answer ask(const std::string& name, bool validate) {
    UnboundOptions options;
    options.forwarders = {nsd_->address()};
    options.timeout = 10s;
    options.dnssec = validate;
    options.trust_anchor_file = anchor_.string();
    auto resolver = UnboundResolver::create(io_.get_executor(), options);
    EXPECT_TRUE(resolver.ok()) << resolver.reason();
    if (!resolver.ok()) return {};
    return run_sync(io_, (*resolver)->query(name, RecordType::A));
  }

  asio::io_context io_;
  SignedZone zone_;
  std::unique_ptr<testing::NsdServer> nsd_;
  std::filesystem::path anchor_;
};

TEST_F(UnboundDnssec, ValidSignatureIsSecure) {
  auto answer = ask("www.example.test", true);
  ASSERT_EQ(answer.status, Status::ok) << answer.error_text;
  EXPECT_EQ(answer.dnssec, DnssecState::secure);
  ASSERT_EQ(answer.addresses.size(), 1u);
  EXPECT_EQ(answer.addresses[0].to_string(), "192.0.2.1");
}

TEST_F(UnboundDnssec, ForgedSignatureIsBogusServfail) {
  auto answer = ask("forged.example.test", true);
  EXPECT_EQ(answer.status, Status::servfail);
  EXPECT_EQ(answer.dnssec, DnssecState::bogus);
  EXPECT_TRUE(answer.addresses.empty());
  EXPECT_NE(answer.error_text.find("DNSSEC"), std::string::npos) << answer.error_text;
}

TEST_F(UnboundDnssec, UnsignedZoneOutsideTheAnchorIsInsecure) {
  auto answer = ask("www.plain.test", true);
  ASSERT_EQ(answer.status, Status::ok) << answer.error_text;
  EXPECT_EQ(answer.dnssec, DnssecState::insecure);
  ASSERT_EQ(answer.addresses.size(), 1u);
}

TEST_F(UnboundDnssec, WithoutValidationStateIsIndeterminate) {
  auto good = ask("www.example.test", false);
  ASSERT_EQ(good.status, Status::ok) << good.error_text;
  EXPECT_EQ(good.dnssec, DnssecState::indeterminate);
  auto forged = ask("forged.example.test", false);  // nobody checks: the data comes through
  ASSERT_EQ(forged.status, Status::ok) << forged.error_text;
  EXPECT_EQ(forged.dnssec, DnssecState::indeterminate);
}

// ---- wire format as libunbound hands it over ---------------------------------------------

using Bytes = std::vector<std::uint8_t>;

bool appended(RecordType type, const Bytes& rdata, Answer& answer) {
  return wire::decode_rdata(type, rdata, answer) == wire::Rdata::appended;
}

TEST(UnboundWire, NamesFollowCompressionAndLowerCase) {
  // "Mail.Example.TEST" at 0, then "www" + pointer to offset 5 ("example.test").
  Bytes msg = {4, 'M', 'a', 'i', 'l', 7, 'E', 'x', 'a', 'm', 'p',  'l', 'e',
               4, 'T', 'E', 'S', 'T', 0, 3,   'w', 'w', 'w', 0xC0, 5};
  std::size_t offset = 0;
  EXPECT_EQ(wire::read_name(msg, offset), "mail.example.test");
  EXPECT_EQ(offset, 19u);
  offset = 19;
  EXPECT_EQ(wire::read_name(msg, offset), "www.example.test");
  EXPECT_EQ(offset, msg.size());  // past the pointer, not past where it led
}

TEST(UnboundWire, MalformedNamesAreRejected) {
  std::size_t offset = 0;
  Bytes loop = {0xC0, 0};  // a pointer to itself
  EXPECT_FALSE(wire::read_name(loop, offset));
  offset = 0;
  Bytes truncated = {5, 'a', 'b'};
  EXPECT_FALSE(wire::read_name(truncated, offset));
  offset = 0;
  Bytes extended_label = {0x40, 0};
  EXPECT_FALSE(wire::read_name(extended_label, offset));
  offset = 0;
  Bytes dangling_pointer = {0xC0};
  EXPECT_FALSE(wire::read_name(dangling_pointer, offset));
}

TEST(UnboundWire, RdataOfEachType) {
  Answer answer;
  EXPECT_TRUE(appended(RecordType::A, Bytes{192, 0, 2, 1}, answer));
  EXPECT_FALSE(appended(RecordType::A, Bytes{192, 0, 2}, answer));
  Bytes v6(16, 0);
  v6[0] = 0x20;
  v6[1] = 0x01;
  v6[2] = 0x0d;
  v6[3] = 0xb8;
  v6[15] = 1;
  EXPECT_TRUE(appended(RecordType::AAAA, v6, answer));
  ASSERT_EQ(answer.addresses.size(), 2u);
  EXPECT_EQ(answer.addresses[1].to_string(), "2001:db8::1");

  EXPECT_TRUE(appended(RecordType::TXT, Bytes{2, 'a', 'b', 0, 1, 'c'}, answer));
  EXPECT_EQ(answer.txt.back(), (std::vector<std::string>{"ab", "", "c"}));
  EXPECT_FALSE(appended(RecordType::TXT, Bytes{3, 'a'}, answer));

  EXPECT_TRUE(appended(RecordType::MX, Bytes{0, 10, 2, 'M', 'x', 0}, answer));
  ASSERT_EQ(answer.mx.size(), 1u);
  EXPECT_EQ(answer.mx[0].preference, 10);
  EXPECT_EQ(answer.mx[0].exchange, "mx");
  EXPECT_FALSE(appended(RecordType::MX, Bytes{0, 10}, answer));
  // A compression pointer inside lone rdata leads nowhere valid.
  EXPECT_FALSE(appended(RecordType::PTR, Bytes{0xC0, 0x0C}, answer));

  EXPECT_TRUE(appended(RecordType::CAA, Bytes{128, 5, 'i', 's', 's', 'u', 'e', 'c', 'a'}, answer));
  ASSERT_EQ(answer.caa.size(), 1u);
  EXPECT_EQ(answer.caa[0].flags, 128);
  EXPECT_EQ(answer.caa[0].tag, "issue");
  EXPECT_EQ(answer.caa[0].value, "ca");
  EXPECT_FALSE(appended(RecordType::CAA, Bytes{0, 9, 'i'}, answer));
}

// A name whose label holds a '.' cannot be written as text: a PTR, MX or NS record naming
// one is skipped (the answer's other records still count), a CNAME is malformed.
TEST(UnboundWire, RecordNamingAHostWithADottedLabelIsSkipped) {
  const Bytes dotted = {9, 'b', 'a', 'd', '.', 'l', 'a', 'b', 'e', 'l', 4, 't', 'e', 's', 't', 0};
  std::size_t offset = 0;
  bool dotted_label = false;
  EXPECT_FALSE(wire::read_name(dotted, offset, &dotted_label));
  EXPECT_TRUE(dotted_label);
  for (RecordType type : {RecordType::PTR, RecordType::NS}) {
    Answer answer;
    EXPECT_EQ(wire::decode_rdata(type, dotted, answer), wire::Rdata::skipped);
    EXPECT_TRUE(answer.names.empty());
  }
  Bytes mx = {0, 10};
  mx.insert(mx.end(), dotted.begin(), dotted.end());
  Answer answer;
  EXPECT_EQ(wire::decode_rdata(RecordType::MX, mx, answer), wire::Rdata::skipped);
  EXPECT_TRUE(answer.mx.empty());
  EXPECT_EQ(wire::decode_rdata(RecordType::CNAME, dotted, answer), wire::Rdata::malformed);
  // Truncated is malformed, whatever the type.
  EXPECT_EQ(wire::decode_rdata(RecordType::PTR, Bytes{9, 'b', 'a', 'd', '.'}, answer),
            wire::Rdata::malformed);
}

TEST(UnboundWire, CnameChainFromAnswerSection) {
  // Header: 1 question, 2 answers. a.t CNAME b.t; b.t CNAME c.t (compressed).
  Bytes packet = {0,    1,  0x81, 0x80, 0, 1, 0, 2, 0, 0,  0, 0, 1, 'a', 1,    't',
                  0,    0,  1,    0,    1,  // question at 12
                  0xC0, 12, 0,    5,    0, 1, 0, 0, 0, 60, 0, 4, 1, 'b', 0xC0, 14,   // a.t -> b.t
                  0xC0, 33, 0,    5,    0, 1, 0, 0, 0, 60, 0, 4, 1, 'c', 0xC0, 14};  // b.t -> c.t
  EXPECT_EQ(wire::cname_chain(packet, "a.t"), (std::vector<std::string>{"b.t", "c.t"}));
  EXPECT_TRUE(wire::cname_chain(packet, "x.t").empty());
  packet.erase(packet.end() - 3, packet.end());  // truncated: no chain rather than a wrong one
  EXPECT_TRUE(wire::cname_chain(packet, "a.t").empty());
}

// Labels hold any byte; as text a name is its labels joined by '.', so only a '.' inside a
// label cannot be written, and such a name is refused instead of read as another name.
TEST(UnboundWire, LabelBytesStayRawAndADotInsideALabelIsRefused) {
  std::size_t offset = 0;
  Bytes nul = {4, 'h', 'o', 's', 't', 2, 'a', 0, 1, '\\', 0};
  EXPECT_EQ(wire::read_name(nul, offset), std::string("host.a\0.\\", 9));
  offset = 0;
  Bytes dot = {3, 'a', '.', 'b', 4, 't', 'e', 's', 't', 0};  // the two-label name a\.b.test
  EXPECT_FALSE(wire::read_name(dot, offset));
  Answer answer;
  EXPECT_FALSE(appended(RecordType::PTR, dot, answer));
}

TEST(UnboundWire, QueryTextIsTheNameAskedInPresentationFormat) {
  EXPECT_EQ(wire::query_text("www.example.test"), "www.example.test.");
  EXPECT_EQ(wire::query_text(""), ".");
  // libunbound reads '\' as an escape: ex\097mple.test must not become example.test.
  EXPECT_EQ(wire::query_text("ex\\097mple.test"), "ex\\\\097mple.test.");
  EXPECT_EQ(wire::query_text(std::string("a b\x7f\xff.test")), "a\\032b\\127\\255.test.");
  // A C string ends at a NUL: host.attacker.test\0.victim.test would be host.attacker.test.
  EXPECT_FALSE(wire::query_text(std::string("host.attacker.test\0.victim.test", 31)));
}

// The reviewer's zones: a PTR target with a NUL inside a label, pointing into victim.test.
std::vector<testing::ZoneSource> spoofing_zones() {
  return {{"113.0.203.in-addr.arpa", "5 IN PTR host.attacker.test\\000.victim.test.\n"},
          {"attacker.test", "host IN A 203.0.113.5\n"},
          {"victim.test", "@ IN TXT \"v=spf1 ptr -all\"\n"},
          {"example.test", "@ IN TXT \"v=spf1 -all\"\n"},
          {"test", ""}};  // so that ex\097mple.test is an answered NXDOMAIN, not REFUSED
}

TEST(UnboundResolver, NamesWithNulOrBackslashAreTheNamesAsked) {
  NEED_NSD();
  auto server = testing::NsdServer::start(spoofing_zones());
  ASSERT_TRUE(server.ok()) << server.reason();
  asio::io_context io;
  auto resolver = testing::forwarding_resolver(io.get_executor(), (*server)->address(), 10s);
  ASSERT_TRUE(resolver.ok()) << resolver.reason();

  auto ptr = run_sync(io, (*resolver)->query("5.113.0.203.in-addr.arpa", RecordType::PTR));
  ASSERT_EQ(ptr.status, Status::ok) << ptr.error_text;
  const std::string target("host.attacker.test\0.victim.test", 31);
  ASSERT_EQ(ptr.names, std::vector<std::string>{target});
  // Looked up as it is, the target is not host.attacker.test (whose address is 203.0.113.5).
  auto forward = run_sync(io, (*resolver)->query(target, RecordType::A));
  EXPECT_EQ(forward.status, Status::error) << to_string(forward.status);
  EXPECT_TRUE(forward.addresses.empty());
  // Nor is the label ex\097mple the label example.
  auto escaped = run_sync(io, (*resolver)->query("ex\\097mple.test", RecordType::TXT));
  EXPECT_EQ(escaped.status, Status::nxdomain) << to_string(escaped.status);
  EXPECT_TRUE(escaped.txt.empty());
}

// The review's answer: one PTR target that cannot be written as text (a '.' inside a label)
// beside a real one. The real one is kept; with nothing left the answer is NODATA.
TEST(UnboundResolver, ARecordNamingAHostWithADottedLabelIsLeftOut) {
  NEED_NSD();
  auto server = testing::NsdServer::start(
      {{"2.0.192.in-addr.arpa",
        "6 IN PTR good.test.\n6 IN PTR bad\\.label.test.\n7 IN PTR bad\\.label.test.\n"},
       {"mx.test", "@ IN MX 10 bad\\.label.test.\n@ IN MX 20 good.test.\n"},
       {"test", ""}});
  ASSERT_TRUE(server.ok()) << server.reason();
  asio::io_context io;
  auto resolver = testing::forwarding_resolver(io.get_executor(), (*server)->address(), 10s);
  ASSERT_TRUE(resolver.ok()) << resolver.reason();
  auto both = run_sync(io, (*resolver)->query("6.2.0.192.in-addr.arpa", RecordType::PTR));
  ASSERT_EQ(both.status, Status::ok) << both.error_text;
  EXPECT_EQ(both.names, std::vector<std::string>{"good.test"});
  auto only_bad = run_sync(io, (*resolver)->query("7.2.0.192.in-addr.arpa", RecordType::PTR));
  EXPECT_EQ(only_bad.status, Status::nodata);  // lasting: nothing usable, not a failure
  EXPECT_EQ(only_bad.error_text, "every PTR record names a host with a '.' inside a label");
  auto mx = run_sync(io, (*resolver)->query("mx.test", RecordType::MX));
  ASSERT_EQ(mx.status, Status::ok) << mx.error_text;
  ASSERT_EQ(mx.mx.size(), 1u);
  EXPECT_EQ(mx.mx[0].exchange, "good.test");
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
