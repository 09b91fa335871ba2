// The whole pipeline (pipeline::Authenticator::check: iprev, HELO, SPF for HELO and MAIL FROM,
// DKIM, ARC, DMARC, local policy, header fields) next to DKIM verification alone, on the
// messages bench_dkim uses (bench/corpus.hpp), with the DNS answered from an in-memory zone
// holding the DKIM keys, SPF and DMARC records and the client's PTR/A. Both keep parsed DKIM
// keys across messages (the Authenticator's key_cache(), a dkim::KeyCache for DKIM alone), and
// both take the whole message in memory. bench/pipeline-compare prints the overhead ratio.
//
//   bench_pipeline [--benchmark_filter=...]
//   BM_Pipeline/kind:K/bytes:N  and  BM_DkimOnly/kind:K/bytes:N   (K: 0 rsa, 1 ed25519, 2 dual)
#include <benchmark/benchmark.h>

#include <asio/io_context.hpp>
#include <string>
#include <vector>

#include "corpus.hpp"
#include "in_one_coroutine.hpp"
#include "senderauth/authres/clause.hpp"
#include "senderauth/authres/format.hpp"
#include "senderauth/dkim/verifier.hpp"
#include "senderauth/dns/zone_resolver.hpp"
#include "senderauth/message/header_field.hpp"
#include "senderauth/pipeline/authenticator.hpp"
#include "senderauth/spf/received_spf.hpp"

namespace {

using namespace senderauth;

const char* kind_name(std::int64_t kind) {
  return kind == 0 ? "rsa" : kind == 1 ? "ed25519" : "dual";
}

// Messages signed by example.test, sent from mail0.example.test [192.0.2.10] with MAIL FROM
// alice@example.test: iprev, SPF (HELO and MAIL FROM), DKIM and DMARC all pass.
void publish_records(dns::ZoneResolver& zone) {
  zone.set_query_log_enabled(false);  // a server's zone keeps no log (it grows without bound)
  bench::keys().publish(zone);
  zone.add_txt("example.test", {"v=spf1 ip4:192.0.2.0/24 -all"});
  zone.add_txt("_dmarc.example.test", {"v=DMARC1; p=reject; rua=mailto:dmarc@example.test"});
  zone.add_txt("mail0.example.test", {"v=spf1 a -all"});
  zone.add_address("mail0.example.test", IpAddress::parse("192.0.2.10").value());
  zone.add_ptr("10.2.0.192.in-addr.arpa", "mail0.example.test");
}

pipeline::Envelope envelope() {
  pipeline::Envelope e;
  e.client_ip = IpAddress::parse("192.0.2.10").value();
  e.helo = "mail0.example.test";
  e.mail_from = "alice@example.test";
  e.rcpt_to = {"bob@example.org"};
  return e;
}

constexpr int kMessages = 8;  // distinct messages per kind and size, cycled

std::vector<std::string> messages(std::int64_t kind, std::int64_t bytes) {
  std::vector<std::string> out;
  for (int i = 0; i < kMessages; ++i) {
    out.push_back(bench::sign(
        bench::make_message(static_cast<std::size_t>(bytes), static_cast<std::uint32_t>(1 + i)),
        kind_name(kind), bench::keys()));
  }
  return out;
}

std::int64_t total_bytes(const std::vector<std::string>& ms, std::int64_t iterations) {
  std::int64_t sum = 0;
  for (const auto& m : ms) sum += static_cast<std::int64_t>(m.size());
  return sum * iterations / kMessages;
}

// `without` turns checks off to show where the overhead goes: bit 0 ARC, bit 1 SPF for the
// HELO identity.
void run_pipeline(benchmark::State& state, std::int64_t without) {
  auto ms = messages(state.range(0), state.range(1));
  dns::ZoneResolver zone;
  publish_records(zone);
  pipeline::LocalPolicy policy;
  policy.authserv_id = "mx.example.org";
  policy.check_arc = (without & 1) == 0;
  policy.check_helo_spf = (without & 2) == 0;
  pipeline::Authenticator authenticator(zone, policy);
  asio::io_context io;
  const pipeline::Envelope env = envelope();
  std::size_t want = bench::signature_count(kind_name(state.range(0)));
  std::size_t n = 0;
  bench::in_one_coroutine(io, [&]() -> asio::awaitable<void> {
    for (auto _ : state) {
      const std::string& m = ms[n % kMessages];
      pipeline::Verdict v = co_await authenticator.check(env, m);
      std::size_t passed = 0;
      for (const auto& r : v.dkim) passed += r.status == dkim::DkimStatus::pass;
      if (v.action != pipeline::Action::accept || passed != want || !v.dmarc ||
          v.dmarc->status != dmarc::DmarcStatus::pass || !v.spf_mailfrom ||
          v.spf_mailfrom->verdict != spf::SpfVerdict::pass || !v.iprev ||
          v.iprev->status != iprev::IprevStatus::pass) {
        state.SkipWithError(("unexpected verdict: " + v.reason).c_str());
        break;
      }
      benchmark::DoNotOptimize(v);
      ++n;
    }
  });
  state.counters["key_cache_entries"] = static_cast<double>(authenticator.key_cache().size());
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(total_bytes(ms, state.iterations()));
}

void BM_Pipeline(benchmark::State& state) {
  run_pipeline(state, 0);
}
void BM_PipelineWithout(benchmark::State& state) {
  run_pipeline(state, state.range(2));
}

void BM_DkimOnly(benchmark::State& state) {
  auto ms = messages(state.range(0), state.range(1));
  dns::ZoneResolver zone;
  publish_records(zone);
  dkim::KeyCache cache;
  asio::io_context io;
  std::size_t want = bench::signature_count(kind_name(state.range(0)));
  std::size_t n = 0;
  bench::in_one_coroutine(io, [&]() -> asio::awaitable<void> {
    for (auto _ : state) {
      const std::string& m = ms[n % kMessages];
      auto results = co_await dkim::verify_message(m, zone, {}, &cache);
      std::size_t passed = 0;
      for (const auto& r : results) passed += r.status == dkim::DkimStatus::pass;
      if (passed != want) {
        state.SkipWithError("DKIM did not pass");
        break;
      }
      benchmark::DoNotOptimize(results);
      ++n;
    }
  });
  state.counters["key_cache_entries"] = static_cast<double>(cache.size());
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(total_bytes(ms, state.iterations()));
}

// Writing a typical Authentication-Results field (the pipeline's share of it for one message).
void BM_AuthresField(benchmark::State& state) {
  authres::AuthResults results;
  results.authserv_id = "mx.example.org";
  const IpAddress client = IpAddress::parse("192.0.2.10").value();
  results.clauses.push_back(authres::make_iprev_clause("pass", client, "mail0.example.test"));
  results.clauses.push_back(authres::make_spf_clause(
      "pass", authres::SpfScope::mailfrom, "alice@example.test", "matched ip4:192.0.2.0/24"));
  results.clauses.push_back(
      authres::make_spf_clause("pass", authres::SpfScope::helo, "mail0.example.test", "matched a"));
  authres::DkimClauseInput dkim;
  dkim.result = "pass";
  dkim.domain = "example.test";
  dkim.identity = "@example.test";
  dkim.selector = "rsa2048";
  dkim.algorithm = "rsa-sha256";
  dkim.b_prefix = "AbCdEfGh";
  dkim.comment = "2048-bit rsa key";
  results.clauses.push_back(authres::make_dkim_clause(dkim));
  results.clauses.push_back(authres::make_arc_clause("none", std::nullopt, std::nullopt));
  results.clauses.push_back(authres::make_dmarc_clause("pass", "example.test", "reject"));
  for (auto _ : state) benchmark::DoNotOptimize(authres::format_field(results));
}
BENCHMARK(BM_AuthresField);

// Writing the Received-SPF field of the same message, folded as the pipeline writes it.
void BM_ReceivedSpfField(benchmark::State& state) {
  spf::SpfResult result;
  result.verdict = spf::SpfVerdict::pass;
  result.identity = spf::SpfIdentity::mailfrom;
  result.client_ip = IpAddress::parse("192.0.2.10").value();
  result.helo = "mail0.example.test";
  result.sender = "alice@example.test";
  result.domain = "example.test";
  result.mechanism = "ip4:192.0.2.0/24";
  for (auto _ : state) {
    benchmark::DoNotOptimize(message::fold(spf::format_received_spf(result, "mx.example.org")) +
                             "\r\n");
  }
}
BENCHMARK(BM_ReceivedSpfField);

void sizes(benchmark::internal::Benchmark* b) {
  for (std::int64_t kind : {0, 1, 2}) {
    for (std::size_t size : bench::kCorpusSizes) b->Args({kind, static_cast<std::int64_t>(size)});
  }
}

BENCHMARK(BM_Pipeline)->Apply(sizes)->ArgNames({"kind", "bytes"});
BENCHMARK(BM_DkimOnly)->Apply(sizes)->ArgNames({"kind", "bytes"});
// Where the overhead goes (rsa, 2 KiB and 64 KiB): without ARC (1), without HELO SPF (2), both (3).
BENCHMARK(BM_PipelineWithout)
    ->ArgsProduct({{0}, {2048, 65536}, {1, 2, 3}})
    ->ArgNames({"kind", "bytes", "without"});

}  // namespace

BENCHMARK_MAIN();
