// SPF parse + evaluate on the in-memory resolver, for the typical policies in
// bench/spf_bench_records.txt (shared with the libspf2 and pyspf drivers; bench/spf-compare
// runs all three). Also the record parser and macro expander alone.
//
// With SPF_BENCH_DNS=IP@PORT (a server holding the same records, see bench/spf-compare-dns) the
// same checks also run over real DNS, timed by the wall clock:
//   BM_SpfCheckHostDns/cached/NAME   UnboundResolver forwarding to IP@PORT with a
//                                    dns::CachingResolver in front (answers from memory once
//                                    warm: what a long-running milter sees)
//   BM_SpfCheckHostDns/unbound/NAME  UnboundResolver alone (libunbound's own cache answers
//                                    once warm; what `senderauth spf --server` uses per lookup)
#include <benchmark/benchmark.h>

#include <asio/io_context.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "in_one_coroutine.hpp"
#include "senderauth/dns/caching_resolver.hpp"
#include "senderauth/dns/run_sync.hpp"
#include "senderauth/dns/unbound_resolver.hpp"
#include "senderauth/dns/zone_resolver.hpp"
#include "senderauth/spf/spf_evaluator.hpp"
#include "senderauth/spf/spf_macro.hpp"
#include "senderauth/spf/spf_record.hpp"

namespace {

using namespace senderauth;

struct Scenario {
  std::string name;
  spf::SpfRequest request;
  std::string expected;
};

struct BenchData {
  dns::ZoneResolver zone;
  std::vector<Scenario> scenarios;
};

std::string records_path() {
  if (const char* env = std::getenv("SPF_BENCH_RECORDS")) return env;
  return std::string(SENDERAUTH_BENCH_DIR) + "/spf_bench_records.txt";
}

BenchData& data() {
  static BenchData d = [] {
    BenchData out;
    std::ifstream in(records_path());
    if (!in) {
      std::fprintf(stderr, "cannot read %s (set SPF_BENCH_RECORDS)\n", records_path().c_str());
      std::exit(2);
    }
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      std::istringstream fields(line);
      std::string first;
      fields >> first;
      if (first == "@scenario") {
        Scenario s;
        std::string ip;
        fields >> s.name >> ip >> s.request.mail_from >> s.request.helo >> s.expected;
        s.request.client_ip = *IpAddress::parse(ip);
        out.scenarios.push_back(std::move(s));
        continue;
      }
      std::string type;
      fields >> type;
      std::string rest;
      std::getline(fields >> std::ws, rest);
      if (type == "TXT") {
        out.zone.add_txt(first, {rest});
      } else if (type == "A" || type == "AAAA") {
        out.zone.add_address(first, *IpAddress::parse(rest));
      } else if (type == "MX") {
        std::istringstream mx(rest);
        int preference = 0;
        std::string host;
        mx >> preference >> host;
        out.zone.add_mx(first, static_cast<std::uint16_t>(preference), host);
      }
    }
    // A server's zone would not log its queries either (the log grows without bound).
    out.zone.set_query_log_enabled(false);
    return out;
  }();
  return d;
}

const Scenario* find_scenario(const std::string& name) {
  for (const auto& s : data().scenarios) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

// The checks run one after the other inside one coroutine, as a milter's per-message coroutine
// awaits check_host(); BM_Floor_RunSync is what starting a coroutine from plain code adds.
void measure_checks(benchmark::State& state, asio::io_context& io, dns::Resolver& resolver,
                    const Scenario& scenario, const spf::SpfOptions& options) {
  bench::in_one_coroutine(io, [&]() -> asio::awaitable<void> {
    for (auto _ : state) {
      spf::SpfResult r = co_await spf::check_host(resolver, scenario.request, options);
      if (spf::to_string(r.verdict) != scenario.expected) {
        state.SkipWithError(
            ("unexpected result " + std::string(spf::to_string(r.verdict))).c_str());
        break;
      }
      benchmark::DoNotOptimize(r);
    }
  });
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void check_in_memory(benchmark::State& state, const std::string& name, bool cache_records) {
  BenchData& d = data();
  const Scenario* scenario = find_scenario(name);
  if (!scenario) {
    state.SkipWithError("no such scenario");
    return;
  }
  spf::SpfOptions options;
  options.timestamp = 1;
  options.cache_records = cache_records;
  asio::io_context io;
  measure_checks(state, io, d.zone, *scenario, options);
}

// The default: parsed records kept (SpfOptions::cache_records).
void BM_SpfCheckHost(benchmark::State& state, std::string name) {
  check_in_memory(state, name, true);
}

// Every record parsed for every check, as libspf2 and pyspf do.
void BM_SpfCheckHostParsing(benchmark::State& state, std::string name) {
  check_in_memory(state, name, false);
}

asio::awaitable<int> trivial() {
  co_return 1;
}

// The floor under every check: one run_sync() round on an io_context, and one in-memory TXT
// lookup through it.
void BM_Floor_RunSync(benchmark::State& state) {
  asio::io_context io;
  for (auto _ : state) benchmark::DoNotOptimize(dns::run_sync(io, trivial()));
}

// One nested co_await of a coroutine that completes at once: the price of each coroutine call
// inside a check.
void BM_Floor_NestedAwait(benchmark::State& state) {
  asio::io_context io;
  bench::in_one_coroutine(io, [&]() -> asio::awaitable<void> {
    for (auto _ : state) benchmark::DoNotOptimize(co_await trivial());
  });
}

void BM_Floor_ZoneTxtQuery(benchmark::State& state) {
  BenchData& d = data();
  asio::io_context io;
  for (auto _ : state) {
    auto answer = dns::run_sync(io, d.zone.query("ip4.bench.example", dns::RecordType::TXT));
    benchmark::DoNotOptimize(answer);
  }
}

void BM_SpfParseRecord(benchmark::State& state) {
  const std::string record =
      "v=spf1 ip4:192.0.2.0/28 ip4:198.51.100.0/28 ip6:2001:db8::/32 a mx:mx.%{d2}/24//64 "
      "include:_spf.example.com exists:%{ir}.%{l1r-}.lp._spf.%{d2} ?ptr redirect=_spf.example.net "
      "exp=exp.%{d}";
  for (auto _ : state) {
    auto parsed = spf::SpfRecord::parse(record);
    benchmark::DoNotOptimize(parsed);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void BM_SpfExpandMacro(benchmark::State& state) {
  spf::MacroContext ctx;
  ctx.sender = "strong-bad@email.example.com";
  ctx.local_part = "strong-bad";
  ctx.sender_domain = "email.example.com";
  ctx.domain = "email.example.com";
  ctx.client_ip = *IpAddress::parse("192.0.2.3");
  ctx.helo = "mx.example.org";
  for (auto _ : state) {
    auto out = spf::expand_macro_string("%{lr-}.lp.%{ir}.%{v}._spf.%{d2}", ctx,
                                        spf::MacroUse::domain_spec);
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

BENCHMARK_CAPTURE(BM_SpfCheckHost, ip4_list, std::string("ip4_list"));
BENCHMARK_CAPTURE(BM_SpfCheckHost, include_3_deep, std::string("include_3_deep"));
BENCHMARK_CAPTURE(BM_SpfCheckHost, mx, std::string("mx"));
BENCHMARK_CAPTURE(BM_SpfCheckHost, redirect, std::string("redirect"));
BENCHMARK_CAPTURE(BM_SpfCheckHost, exists_macros, std::string("exists_macros"));
BENCHMARK_CAPTURE(BM_SpfCheckHost, fail_with_exp, std::string("fail_with_exp"));
BENCHMARK_CAPTURE(BM_SpfCheckHostParsing, ip4_list, std::string("ip4_list"));
BENCHMARK_CAPTURE(BM_SpfCheckHostParsing, include_3_deep, std::string("include_3_deep"));
BENCHMARK_CAPTURE(BM_SpfCheckHostParsing, mx, std::string("mx"));
BENCHMARK_CAPTURE(BM_SpfCheckHostParsing, redirect, std::string("redirect"));
BENCHMARK_CAPTURE(BM_SpfCheckHostParsing, exists_macros, std::string("exists_macros"));
BENCHMARK_CAPTURE(BM_SpfCheckHostParsing, fail_with_exp, std::string("fail_with_exp"));
BENCHMARK(BM_Floor_RunSync);
BENCHMARK(BM_Floor_NestedAwait);
BENCHMARK(BM_Floor_ZoneTxtQuery);
BENCHMARK(BM_SpfParseRecord);
BENCHMARK(BM_SpfExpandMacro);

// Over real DNS (registered by main() when SPF_BENCH_DNS is set).
void BM_SpfCheckHostDns(benchmark::State& state, std::string server, bool cached,
                        std::string name) {
  const Scenario* scenario = find_scenario(name);
  if (!scenario) {
    state.SkipWithError("no such scenario");
    return;
  }
  asio::io_context io;
  dns::UnboundOptions uo;
  uo.forwarders = {server};
  auto unbound = dns::UnboundResolver::create(io.get_executor(), uo);
  if (!unbound) {
    state.SkipWithError(("UnboundResolver: " + unbound.reason()).c_str());
    return;
  }
  dns::CachingResolver cache(**unbound);
  dns::Resolver& resolver = cached ? static_cast<dns::Resolver&>(cache) : **unbound;
  spf::SpfOptions options;
  options.timestamp = 1;
  // Warm up: the first check fills the caches (and shows a wrong setup early).
  spf::SpfResult first = dns::run_sync(io, spf::check_host(resolver, scenario->request, options));
  if (spf::to_string(first.verdict) != scenario->expected) {
    state.SkipWithError(("unexpected result " + std::string(spf::to_string(first.verdict)) +
                         " (is the server at " + server + " serving the records?)")
                            .c_str());
    return;
  }
  measure_checks(state, io, resolver, *scenario, options);
}

}  // namespace

int main(int argc, char** argv) {
  if (const char* server = std::getenv("SPF_BENCH_DNS"); server && *server) {
    for (bool cached : {true, false}) {
      for (const auto& s : data().scenarios) {
        benchmark::RegisterBenchmark(
            ("BM_SpfCheckHostDns/" + std::string(cached ? "cached/" : "unbound/") + s.name).c_str(),
            BM_SpfCheckHostDns, std::string(server), cached, s.name)
            ->UseRealTime();
      }
    }
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
