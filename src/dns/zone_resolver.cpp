#include "senderauth/dns/zone_resolver.hpp"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <unordered_map>
#include <utility>

#include "master_file_parser.hpp"
#include "name_value_loader.hpp"
#include "query_key.hpp"
#include "spf_zonedata_loader.hpp"
#include "zone_file_format.hpp"
#include "zone_limits.hpp"
#include "zone_store.hpp"

namespace senderauth::dns {

struct ZoneResolver::Zone {
  // Names looked up are unbounded (exists:%{i}... asks for a new name per client): the memo
  // starts over when it reaches this size.
  static constexpr std::size_t kMaxMemoized = 4096;

  ZoneStore store;
  std::unordered_map<detail::QueryKey, SharedAnswer, detail::QueryKeyHash, detail::QueryKeyEqual>
      memo;
};

namespace {

Result<void> check_size(std::string_view text) {
  if (text.size() > zone_limits::kMaxTextBytes) {
    return make_error("zone text of " + std::to_string(text.size()) + " bytes is over the " +
                      std::to_string(zone_limits::kMaxTextBytes) + "-byte limit");
  }
  return {};
}

Result<std::string> read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(std::string("cannot open: ") + std::strerror(errno));
  std::string text;
  char buffer[65536];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (text.size() > zone_limits::kMaxTextBytes) {
      return make_error("file is over the " + std::to_string(zone_limits::kMaxTextBytes) +
                        "-byte limit");
    }
  }
  if (in.bad()) return make_error(std::string("cannot read: ") + std::strerror(errno));
  return text;
}

// The zonedata map of a YAML file: the file itself, or the `zonedata` of a one-scenario file.
Result<YAML::Node> yaml_zonedata(const std::string& text) {
  try {
    auto documents = YAML::LoadAll(text);
    if (documents.size() != 1) {
      return make_error("YAML file holds " + std::to_string(documents.size()) +
                        " documents; give one zonedata map or one scenario");
    }
    auto root = documents.front();
    if (root.IsMap() && root["zonedata"]) return YAML::Node(root["zonedata"]);
    return root;
  } catch (const YAML::Exception& e) {
    return make_error(std::string("YAML: ") + e.what());
  }
}

ZoneRecord make_record(std::string_view name, RecordType type, std::uint32_t ttl) {
  ZoneRecord rr;
  rr.owner = normalize_query_name(name);
  rr.type = type;
  rr.ttl = ttl;
  return rr;
}

}  // namespace

ZoneResolver::ZoneResolver() : zone_(std::make_unique<Zone>()) {}
ZoneResolver::~ZoneResolver() = default;
ZoneResolver::ZoneResolver(ZoneResolver&&) noexcept = default;
ZoneResolver& ZoneResolver::operator=(ZoneResolver&&) noexcept = default;

Result<void> ZoneResolver::load_zone_text(std::string_view text, std::string_view origin) {
  if (auto size = check_size(text); !size) return size;
  auto content = master_file::parse(text, origin);
  if (!content) return content.error();
  zone_changed();
  return zone_->store.merge(std::move(content).value());
}

Result<void> ZoneResolver::load_spf_zonedata(const YAML::Node& zonedata) {
  auto content = spf_zonedata::parse(zonedata);
  if (!content) return content.error();
  zone_changed();
  return zone_->store.merge(std::move(content).value());
}

Result<void> ZoneResolver::load_name_value_text(std::string_view text) {
  if (auto size = check_size(text); !size) return size;
  auto content = name_value::parse(text);
  if (!content) return content.error();
  zone_changed();
  return zone_->store.merge(std::move(content).value());
}

Result<void> ZoneResolver::load_file(const std::string& path) {
  auto text = read_whole_file(path);
  if (!text) return text.error();
  switch (detect_zone_file_format(path, *text)) {
    case ZoneFileFormat::spf_yaml: {
      auto zonedata = yaml_zonedata(*text);
      if (!zonedata) return zonedata.error();
      return load_spf_zonedata(*zonedata);
    }
    case ZoneFileFormat::name_value:
      return load_name_value_text(*text);
    case ZoneFileFormat::master_file:
      break;
  }
  return load_zone_text(*text);
}

void ZoneResolver::add_address(std::string_view name, const IpAddress& address, std::uint32_t ttl) {
  auto rr = make_record(name, address.is_v4() ? RecordType::A : RecordType::AAAA, ttl);
  rr.address = address;
  zone_changed();
  zone_->store.add(std::move(rr));
}

void ZoneResolver::add_txt(std::string_view name, std::vector<std::string> strings,
                           std::uint32_t ttl) {
  auto rr = make_record(name, RecordType::TXT, ttl);
  rr.strings = std::move(strings);
  zone_changed();
  zone_->store.add(std::move(rr));
}

void ZoneResolver::add_mx(std::string_view name, std::uint16_t preference,
                          std::string_view exchange, std::uint32_t ttl) {
  auto rr = make_record(name, RecordType::MX, ttl);
  rr.preference = preference;
  rr.target = normalize_query_name(exchange);
  zone_changed();
  zone_->store.add(std::move(rr));
}

void ZoneResolver::add_ptr(std::string_view name, std::string_view target, std::uint32_t ttl) {
  auto rr = make_record(name, RecordType::PTR, ttl);
  rr.target = normalize_query_name(target);
  zone_changed();
  zone_->store.add(std::move(rr));
}

void ZoneResolver::add_cname(std::string_view name, std::string_view target, std::uint32_t ttl) {
  auto rr = make_record(name, RecordType::CNAME, ttl);
  rr.target = normalize_query_name(target);
  zone_changed();
  zone_->store.add(std::move(rr));
}

void ZoneResolver::add_ns(std::string_view name, std::string_view target, std::uint32_t ttl) {
  auto rr = make_record(name, RecordType::NS, ttl);
  rr.target = normalize_query_name(target);
  zone_changed();
  zone_->store.add(std::move(rr));
}

void ZoneResolver::add_caa(std::string_view name, CaaRecord caa, std::uint32_t ttl) {
  auto rr = make_record(name, RecordType::CAA, ttl);
  rr.caa = std::move(caa);
  zone_changed();
  zone_->store.add(std::move(rr));
}

void ZoneResolver::add_empty_name(std::string_view name) {
  zone_changed();
  zone_->store.add_existing_name(normalize_query_name(name));
}

void ZoneResolver::inject_failure(std::string_view name, Status status, FailureScope scope) {
  zone_changed();
  zone_->store.inject_failure(InjectedFailure{normalize_query_name(name), status, scope});
}

asio::awaitable<Answer> ZoneResolver::query(std::string name, RecordType type) {
  co_return *answer_now(name, type);
}

SharedAnswer ZoneResolver::answer_now(std::string_view name, RecordType type) {
  if (log_enabled_) log_.emplace_back(normalize_query_name(name), type);
  return memoized(name, type);
}

SharedAnswer ZoneResolver::memoized(std::string_view name, RecordType type) {
  auto& memo = zone_->memo;
  std::string scratch;
  const std::string_view key = detail::normalized_view(name, scratch);
  if (auto it = memo.find(detail::QueryKeyView{key, type}); it != memo.end()) return it->second;
  if (memo.size() >= Zone::kMaxMemoized) memo.clear();
  auto answer = std::make_shared<const Answer>(lookup(name, type));
  memo.emplace(detail::QueryKey{std::string(key), type}, answer);
  return answer;
}

void ZoneResolver::zone_changed() {
  zone_->memo.clear();
}

Answer ZoneResolver::lookup(std::string_view name, RecordType type) const {
  return zone_->store.lookup(name, type);
}

Result<std::unique_ptr<ZoneResolver>> load_zone_resolver(const std::string& path) {
  auto resolver = std::make_unique<ZoneResolver>();
  if (auto loaded = resolver->load_file(path); !loaded) return loaded.error();
  return resolver;
}

}  // namespace senderauth::dns
