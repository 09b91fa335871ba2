#include "zone_file_format.hpp"

#include <cctype>
#include <string>

namespace senderauth::dns {

namespace {

bool has_extension(std::string_view path, std::string_view extension) {
  if (path.size() < extension.size()) return false;
  auto tail = path.substr(path.size() - extension.size());
  for (std::size_t i = 0; i < tail.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(tail[i])) != extension[i]) return false;
  }
  return true;
}

std::string_view first_significant_line(std::string_view text) {
  while (!text.empty()) {
    const auto end = text.find('\n');
    auto line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) {
      line.remove_suffix(1);
    }
    std::size_t start = 0;
    while (start < line.size() && std::isspace(static_cast<unsigned char>(line[start]))) ++start;
    if (start == line.size() || line[start] == '#' || line[start] == ';') continue;
    return line;
  }
  return {};
}

}  // namespace

ZoneFileFormat detect_zone_file_format(std::string_view path, std::string_view text) {
  if (has_extension(path, ".yml") || has_extension(path, ".yaml")) return ZoneFileFormat::spf_yaml;
  if (has_extension(path, ".txt") || has_extension(path, ".dat") || has_extension(path, ".dns")) {
    return ZoneFileFormat::name_value;
  }
  // A YAML key line is one word (or a quoted key) and a colon; a master-file line has fields
  // (even when it ends in ':' like "host AAAA 2001:db8::").
  const auto line = first_significant_line(text);
  const bool key_line = !line.empty() && line.back() == ':' &&
                        (line.find_first_of(" \t") == std::string_view::npos ||
                         line.front() == '\'' || line.front() == '"');
  if (line == "---" || key_line) return ZoneFileFormat::spf_yaml;
  return ZoneFileFormat::master_file;
}

}  // namespace senderauth::dns
