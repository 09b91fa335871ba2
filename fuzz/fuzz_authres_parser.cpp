// Fuzzes the Authentication-Results reader with arbitrary field values, and checks what the
// writer does with whatever was read: no crash or hang; a strict parse is also a lenient one;
// the authserv-id found alone is the parsed one; and anything written is safe (no stray CR/LF,
// no control bytes, lines under 998), parses back strictly, and writes back identically.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "senderauth/authres/format.hpp"
#include "senderauth/authres/own_fields.hpp"
#include "senderauth/authres/parser.hpp"

using namespace senderauth::authres;

namespace {

void check_written(const std::string& field) {
  std::size_t line = 0;
  for (std::size_t i = 0; i < field.size(); ++i) {
    auto c = static_cast<unsigned char>(field[i]);
    if (c == '\r') {
      if (i + 1 >= field.size() || field[i + 1] != '\n') std::abort();
      if (i + 2 != field.size() && field[i + 2] != ' ') std::abort();  // only folds
      ++i;
      line = 0;
      continue;
    }
    if (c < 0x20 || c == 0x7f || c >= 0x80) std::abort();
    if (++line > 998) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view value(reinterpret_cast<const char*>(data), size);
  auto lenient = parse_authres(value);
  auto strict = parse_authres(value, ParseOptions{.strict = true});
  (void)parse_clause(value);
  (void)is_own_field("Authentication-Results", value, {"mx.example.org"});
  auto id = extract_authserv_id(value);

  if (strict && !lenient) std::abort();
  if (strict && (!id || *id != strict->authserv_id)) std::abort();
  if (!lenient) return 0;
  if (!lenient->authserv_id.empty() && (!id || *id != lenient->authserv_id)) std::abort();

  auto written = format_field(*lenient);
  if (!written) return 0;
  check_written(*written);
  std::string body = written->substr(kFieldName.size() + 1);
  auto back = parse_authres(body, ParseOptions{.strict = true});
  if (!back) std::abort();
  if (back->clauses.size() != lenient->clauses.size()) std::abort();
  for (std::size_t i = 0; i < back->clauses.size(); ++i) {
    if (back->clauses[i].method != lenient->clauses[i].method) std::abort();
    if (back->clauses[i].result != lenient->clauses[i].result) std::abort();
  }
  auto again = format_field(*back);
  if (!again || *again != *written) std::abort();
  return 0;
}
