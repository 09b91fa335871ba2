// The zone-file parsers (RFC 1035 master file and the DKIM suite's "name value" lines) through
// ZoneResolver, then lookups of names the input mentions: no crash, no unbounded work.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "senderauth/dns/zone_resolver.hpp"

namespace {

using senderauth::dns::RecordType;

constexpr RecordType kTypes[] = {RecordType::A,   RecordType::AAAA, RecordType::TXT,
                                 RecordType::MX,  RecordType::PTR,  RecordType::CNAME,
                                 RecordType::SOA, RecordType::CAA,  RecordType::NS};

// The first word of each line, as a name to ask for.
void ask_names_from(std::string_view text, const senderauth::dns::ZoneResolver& zone) {
  std::size_t asked = 0;
  while (!text.empty() && asked < 32) {
    const auto end = text.find('\n');
    auto line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    auto word = line.substr(0, line.find_first_of(" \t"));
    if (word.empty() || word.size() > 300) continue;
    for (auto type : kTypes) (void)zone.lookup(std::string(word) + ".example.test", type);
    for (auto type : kTypes) (void)zone.lookup(word, type);
    ++asked;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  senderauth::dns::ZoneResolver master;
  if (master.load_zone_text(text, "example.test").ok()) ask_names_from(text, master);
  senderauth::dns::ZoneResolver name_value;
  if (name_value.load_name_value_text(text).ok()) ask_names_from(text, name_value);
  return 0;
}
