// The Unix times the CLI takes (--now, --timestamp): what DKIM and ARC can write as t= and x=.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>

namespace senderauth::cli {

// t= and x= are 1*12DIGIT (RFC 6376 3.5): a larger time could not be written or compared.
inline constexpr std::int64_t kMaxUnixTime = 999'999'999'999;

// Accepts 0 to kMaxUnixTime written in decimal digits; else "is not a Unix time (...)".
CLI::Validator unix_time();

}  // namespace senderauth::cli
