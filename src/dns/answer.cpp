#include "senderauth/dns/answer.hpp"

#include <array>
#include <utility>

namespace senderauth::dns {

namespace {

constexpr std::array<std::pair<RecordType, std::string_view>, 10> kTypeNames{{
    {RecordType::A, "A"},
    {RecordType::NS, "NS"},
    {RecordType::CNAME, "CNAME"},
    {RecordType::SOA, "SOA"},
    {RecordType::PTR, "PTR"},
    {RecordType::MX, "MX"},
    {RecordType::TXT, "TXT"},
    {RecordType::AAAA, "AAAA"},
    {RecordType::SPF, "SPF"},
    {RecordType::CAA, "CAA"},
}};

bool ascii_iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) {
      return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace

std::vector<std::string> Answer::joined_txt() const {
  std::vector<std::string> joined;
  joined.reserve(txt.size());
  for (const auto& record : txt) {
    std::string text;
    for (const auto& piece : record) text += piece;
    joined.push_back(std::move(text));
  }
  return joined;
}

std::string_view to_string(RecordType type) {
  for (const auto& [value, name] : kTypeNames) {
    if (value == type) return name;
  }
  return "UNKNOWN";
}

std::string_view to_string(Status status) {
  switch (status) {
    case Status::ok:
      return "ok";
    case Status::nxdomain:
      return "nxdomain";
    case Status::nodata:
      return "nodata";
    case Status::servfail:
      return "servfail";
    case Status::timeout:
      return "timeout";
    case Status::error:
      return "error";
  }
  return "error";
}

std::string_view to_string(DnssecState state) {
  switch (state) {
    case DnssecState::secure:
      return "secure";
    case DnssecState::insecure:
      return "insecure";
    case DnssecState::bogus:
      return "bogus";
    case DnssecState::indeterminate:
      return "indeterminate";
  }
  return "indeterminate";
}

bool parse_record_type(std::string_view text, RecordType& out) {
  for (const auto& [value, name] : kTypeNames) {
    if (ascii_iequal(text, name)) {
      out = value;
      return true;
    }
  }
  return false;
}

}  // namespace senderauth::dns
