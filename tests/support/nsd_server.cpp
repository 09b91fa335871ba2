// Starts Debian's nsd in the foreground with a private config in a fresh temp dir.
#include "support/nsd_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace senderauth::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr auto kStartupLimit = 15s;  // generous: the test machines are loaded
constexpr int kPortAttempts = 5;

std::string find_nsd() {
  for (const char* candidate : {"/usr/sbin/nsd", "/usr/local/sbin/nsd"}) {
    if (::access(candidate, X_OK) == 0) return candidate;
  }
  if (const char* path = std::getenv("PATH")) {
    std::stringstream dirs(path);
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
      const std::string candidate = dir + "/nsd";
      if (!dir.empty() && ::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
  }
  return {};
}

// A port that is free for both UDP and TCP on 127.0.0.1 right now (nsd binds both).
std::uint16_t pick_free_port() {
  for (int attempt = 0; attempt < 20; ++attempt) {
    int udp = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (udp < 0 || ::bind(udp, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
        ::getsockname(udp, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      if (udp >= 0) ::close(udp);
      continue;
    }
    int tcp = ::socket(AF_INET, SOCK_STREAM, 0);
    const bool tcp_free =
        tcp >= 0 && ::bind(tcp, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    if (tcp >= 0) ::close(tcp);
    ::close(udp);
    if (tcp_free) return ntohs(addr.sin_port);
  }
  return 0;
}

bool has_token(const std::string& text, const std::string& token) {
  std::stringstream words(text);
  std::string word;
  while (words >> word) {
    std::string upper;
    for (char c : word)
      upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    if (upper == token) return true;
  }
  return false;
}

std::string zone_file_text(const ZoneSource& zone) {
  std::string out = "$ORIGIN " + zone.origin + ".\n$TTL 300\n";
  if (!has_token(zone.text, "SOA")) {
    out += "@ IN SOA ns.invalid. hostmaster.invalid. 1 3600 600 86400 60\n";
  }
  if (!has_token(zone.text, "NS")) out += "@ IN NS ns.invalid.\n";
  out += zone.text;
  if (!out.empty() && out.back() != '\n') out.push_back('\n');
  // The zone text's own $ORIGIN (if any) must not leak into what follows: nothing follows.
  return out;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A DNS query for SOA at `origin`: true when any answer comes back within `wait`.
bool answers(std::uint16_t port, const std::string& origin, std::chrono::milliseconds wait) {
  std::string packet = {'\x12', '\x34', '\x00', '\x00', '\x00', '\x01',
                        '\x00', '\x00', '\x00', '\x00', '\x00', '\x00'};
  std::stringstream labels(origin);
  std::string label;
  while (std::getline(labels, label, '.')) {
    if (label.empty()) continue;
    packet.push_back(static_cast<char>(label.size()));
    packet += label;
  }
  packet += std::string("\x00\x00\x06\x00\x01", 5);
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = false;
  if (::sendto(fd, packet.data(), packet.size(), 0, reinterpret_cast<sockaddr*>(&addr),
               sizeof(addr)) == static_cast<ssize_t>(packet.size())) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(wait.count())) == 1) {
      std::array<char, 512> buf{};
      ok = ::recv(fd, buf.data(), buf.size(), 0) >= 12 && buf[0] == '\x12' && buf[1] == '\x34';
    }
  }
  ::close(fd);
  return ok;
}

void stop_process(int pid) {
  if (pid <= 0) return;
  ::kill(pid, SIGTERM);
  for (int i = 0; i < 50; ++i) {
    if (::waitpid(pid, nullptr, WNOHANG) == pid) return;
    std::this_thread::sleep_for(20ms);
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
}

}  // namespace

bool NsdServer::available() {
  return !find_nsd().empty();
}

Result<std::unique_ptr<NsdServer>> NsdServer::start(std::vector<ZoneSource> zones) {
  const std::string nsd = find_nsd();
  if (nsd.empty()) return make_error("nsd not found (install Debian package nsd)");
  if (zones.empty()) return make_error("nsd: no zones to serve");

  std::string tmpl = (fs::temp_directory_path() / "senderauth-nsd-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) return make_error("nsd: mkdtemp failed");
  std::unique_ptr<NsdServer> server(new NsdServer());
  server->dir_ = tmpl;
  const fs::path dir = tmpl;

  for (std::size_t i = 0; i < zones.size(); ++i) {
    auto& zone = zones[i];
    while (!zone.origin.empty() && zone.origin.back() == '.') zone.origin.pop_back();
    std::ofstream(dir / ("zone" + std::to_string(i) + ".zone")) << zone_file_text(zone);
  }

  for (int attempt = 0; attempt < kPortAttempts; ++attempt) {
    const std::uint16_t port = pick_free_port();
    if (port == 0) return make_error("nsd: no free port on 127.0.0.1");
    std::ofstream conf(dir / "nsd.conf", std::ios::trunc);
    conf << "server:\n"
         << "  ip-address: 127.0.0.1\n"
         << "  port: " << port << "\n"
         << "  username: \"\"\n"
         << "  chroot: \"\"\n"
         << "  zonesdir: \"" << dir.string() << "\"\n"
         << "  pidfile: \"" << (dir / "nsd.pid").string() << "\"\n"
         << "  xfrdfile: \"" << (dir / "xfrd.state").string() << "\"\n"
         << "  xfrdir: \"" << dir.string() << "\"\n"
         << "  zonelistfile: \"" << (dir / "zone.list").string() << "\"\n"
         << "  database: \"\"\n"
         << "  logfile: \"" << (dir / "nsd.log").string() << "\"\n"
         << "  server-count: 1\n"
         << "  verbosity: 0\n"
         << "  hide-version: yes\n"
         // Response rate limiting (on by default, 200/s per client block for NXDOMAIN and
         // the like) would drop answers under a test's or benchmark's burst.
         << "  rrl-ratelimit: 0\n"
         << "  rrl-whitelist-ratelimit: 0\n"
         << "remote-control:\n"
         << "  control-enable: no\n";
    for (std::size_t i = 0; i < zones.size(); ++i) {
      conf << "zone:\n  name: \"" << zones[i].origin << "\"\n  zonefile: \"zone" << i
           << ".zone\"\n";
    }
    conf.close();

    const std::string conf_path = (dir / "nsd.conf").string();
    const std::string log_path = (dir / "nsd.log").string();
    const int pid = ::fork();
    if (pid < 0) return make_error("nsd: fork failed");
    if (pid == 0) {
      // Only async-signal-safe calls between fork and exec (the test may run threads, e.g.
      // libunbound's). Keep the test's output clean: what nsd prints goes to its log file.
      const int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (log >= 0) {
        ::dup2(log, STDOUT_FILENO);
        ::dup2(log, STDERR_FILENO);
      }
      ::execl(nsd.c_str(), nsd.c_str(), "-d", "-c", conf_path.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    server->pid_ = pid;
    server->port_ = port;
    const auto deadline = std::chrono::steady_clock::now() + kStartupLimit;
    bool exited = false;
    while (std::chrono::steady_clock::now() < deadline) {
      if (answers(port, zones.front().origin, 100ms)) return server;
      int status = 0;
      if (::waitpid(pid, &status, WNOHANG) == pid) {
        exited = true;
        break;
      }
    }
    if (!exited) {
      stop_process(pid);
      server->pid_ = -1;
      return make_error("nsd did not answer within 15 s: " + read_text(dir / "nsd.log"));
    }
    server->pid_ = -1;
    const std::string log = read_text(dir / "nsd.log");
    // A port taken between our probe and nsd's bind: try another. Anything else is fatal.
    if (log.find("in use") == std::string::npos && log.find("bind") == std::string::npos) {
      return make_error("nsd exited at startup: " + log);
    }
  }
  return make_error("nsd: could not bind a free port after several attempts");
}

NsdServer::~NsdServer() {
  stop_process(pid_);
  if (!dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

Result<std::unique_ptr<dns::UnboundResolver>> forwarding_resolver(
    asio::any_io_executor executor, const std::string& address, std::chrono::milliseconds timeout) {
  dns::UnboundOptions options;
  options.forwarders = {address};
  options.timeout = timeout;
  return dns::UnboundResolver::create(std::move(executor), std::move(options));
}

}  // namespace senderauth::testing
