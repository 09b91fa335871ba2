#include "spf_zonedata_loader.hpp"

#include <yaml-cpp/yaml.h>

#include <utility>

#include "senderauth/core/ip_address.hpp"

namespace senderauth::dns::spf_zonedata {

namespace {

// yaml-cpp turns "\x80" into U+0080 encoded as UTF-8 (C2 80); the suite means the byte 0x80.
std::string latin1_code_points_to_bytes(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto lead = static_cast<unsigned char>(text[i]);
    if ((lead == 0xC2 || lead == 0xC3) && i + 1 < text.size()) {
      const auto next = static_cast<unsigned char>(text[i + 1]);
      if ((next & 0xC0) == 0x80) {
        out.push_back(static_cast<char>(((lead & 0x03) << 6) | (next & 0x3F)));
        ++i;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

Result<std::string> scalar(const YAML::Node& node, const char* what) {
  if (!node.IsScalar()) return make_error(std::string(what) + " is not a single value");
  return node.as<std::string>();
}

Result<std::string> target_name(const YAML::Node& node) {
  auto text = scalar(node, "target name");
  if (!text) return text.error();
  auto name = checked_zone_name(*text);
  if (!name) return make_error("target '" + *text + "': " + name.reason());
  return name;
}

Result<std::vector<std::string>> strings(const YAML::Node& node) {
  std::vector<std::string> out;
  if (node.IsScalar()) {
    out.push_back(latin1_code_points_to_bytes(node.as<std::string>()));
  } else if (node.IsSequence()) {
    for (const auto& item : node) {
      auto text = scalar(item, "TXT string");
      if (!text) return text.error();
      out.push_back(latin1_code_points_to_bytes(*text));
    }
  } else {
    return make_error("TXT/SPF value is neither a string nor a list of strings");
  }
  return out;
}

// One `TYPE: value` item into `rr` (owner and TTL already set).
Result<void> fill(const std::string& type_text, const YAML::Node& value, ZoneRecord& rr) {
  if (!parse_record_type(type_text, rr.type)) {
    return make_error("record type '" + type_text + "' is not supported");
  }
  switch (rr.type) {
    case RecordType::A:
    case RecordType::AAAA: {
      auto text = scalar(value, "address");
      if (!text) return text.error();
      auto address = IpAddress::parse(*text);
      if (!address) return make_error("'" + *text + "': " + address.reason());
      if (address->is_v4() != (rr.type == RecordType::A)) {
        return make_error("'" + *text + "' is not an " +
                          (rr.type == RecordType::A ? "IPv4" : "IPv6") + " address");
      }
      rr.address = *address;
      return {};
    }
    case RecordType::TXT:
    case RecordType::SPF: {
      auto list = strings(value);
      if (!list) return list.error();
      rr.strings = std::move(list).value();
      return {};
    }
    case RecordType::MX: {
      if (!value.IsSequence() || value.size() != 2) {
        return make_error("MX is not [preference, exchange]");
      }
      auto preference = scalar(value[0], "MX preference");
      if (!preference) return preference.error();
      unsigned long number = 0;
      try {
        std::size_t used = 0;
        number = std::stoul(*preference, &used);
        if (used != preference->size() || number > 65535) throw std::out_of_range("preference");
      } catch (const std::exception&) {
        return make_error("MX preference '" + *preference + "' is not 0-65535");
      }
      rr.preference = static_cast<std::uint16_t>(number);
      auto exchange = target_name(value[1]);
      if (!exchange) return exchange.error();
      rr.target = std::move(exchange).value();
      return {};
    }
    case RecordType::PTR:
    case RecordType::CNAME:
    case RecordType::NS: {
      auto target = target_name(value);
      if (!target) return target.error();
      rr.target = std::move(target).value();
      return {};
    }
    case RecordType::SOA:
    case RecordType::CAA:
      break;
  }
  return make_error("record type '" + type_text + "' is not supported in zonedata");
}

Result<void> load_name(const std::string& owner, const YAML::Node& records, ZoneContent& out) {
  out.existing_names.push_back(owner);
  if (records.IsNull()) return {};
  if (!records.IsSequence()) return make_error("records are not a list");
  bool timeout = false;
  bool lists_txt = false;
  std::vector<ZoneRecord> spf;
  std::size_t index = 0;
  for (const auto& item : records) {
    ++index;
    const std::string where = "record " + std::to_string(index) + ": ";
    if (item.IsScalar() && item.as<std::string>() == "TIMEOUT") {
      timeout = true;
      continue;
    }
    if (!item.IsMap() || item.size() != 1) {
      return make_error(where + "not TIMEOUT nor a one-key map TYPE: value");
    }
    const auto pair = *item.begin();
    const auto type_text = pair.first.as<std::string>();
    if (type_text == "TXT") lists_txt = true;
    if (pair.second.IsScalar() && pair.second.as<std::string>() == "NONE") continue;
    ZoneRecord rr;
    rr.owner = owner;
    rr.ttl = kRecordTtl;
    if (auto filled = fill(type_text, pair.second, rr); !filled) {
      return make_error(where + filled.reason());
    }
    if (rr.type == RecordType::SPF) spf.push_back(rr);
    out.records.push_back(std::move(rr));
  }
  if (!lists_txt && !timeout) {
    for (auto& rr : spf) {
      rr.type = RecordType::TXT;
      out.records.push_back(std::move(rr));
    }
  }
  if (timeout) {
    out.failures.push_back(
        InjectedFailure{owner, Status::timeout, FailureScope::types_without_records});
  }
  return {};
}

}  // namespace

Result<ZoneContent> parse(const YAML::Node& zonedata) {
  ZoneContent content;
  try {
    if (zonedata.IsNull()) return content;
    if (!zonedata.IsMap()) return make_error("zonedata is not a map of names to record lists");
    for (const auto& entry : zonedata) {
      const auto raw_name = entry.first.as<std::string>();
      auto owner = checked_zone_name(raw_name);
      if (!owner) return make_error("zonedata name '" + raw_name + "': " + owner.reason());
      if (auto loaded = load_name(*owner, entry.second, content); !loaded) {
        return make_error("zonedata '" + raw_name + "': " + loaded.reason());
      }
    }
  } catch (const YAML::Exception& e) {
    return make_error(std::string("zonedata: ") + e.what());
  }
  return content;
}

}  // namespace senderauth::dns::spf_zonedata
