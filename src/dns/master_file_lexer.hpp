// Splits RFC 1035 master-file text into entries (one record or directive each): comments
// dropped, parenthesised groups joined across lines, quoted strings kept as one token.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "senderauth/core/result.hpp"

namespace senderauth::dns::master_file {

struct Token {
  std::string raw;      // as written: escapes not decoded, quotes removed
  bool quoted = false;  // was "..."
};

struct Entry {
  std::size_t line = 0;      // 1-based line where the entry starts
  bool blank_owner = false;  // the line starts with white space: owner = previous owner
  std::vector<Token> tokens;
};

// Errors read "line N: why".
Result<std::vector<Entry>> split_entries(std::string_view text);

// A <character-string>'s bytes: \DDD is a decimal octet, \X is X.
Result<std::string> decode_character_string(std::string_view raw);

}  // namespace senderauth::dns::master_file
