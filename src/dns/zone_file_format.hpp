// Which of ZoneResolver's three formats a file holds.
#pragma once

#include <string_view>

namespace senderauth::dns {

enum class ZoneFileFormat { master_file, spf_yaml, name_value };

// By extension: .yml/.yaml → YAML zonedata, .txt/.dat/.dns → "name value"; otherwise by
// content: a first significant line "---" or "key:" (one word or a quoted key) → YAML; else a
// master file.
ZoneFileFormat detect_zone_file_format(std::string_view path, std::string_view text);

}  // namespace senderauth::dns
