// DMARC record parsing on arbitrary bytes: no crash; an accepted record starts with v=DMARC1,
// has a usable policy (p, or a valid rua standing in for p=none), and its canonical text parses
// back to the same policies and modes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "senderauth/dmarc/discovery.hpp"
#include "senderauth/dmarc/record.hpp"

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace senderauth::dmarc;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto record = parse_record(text);
  if (!record) {
    check(!record.reason().empty());
  } else {
    check(is_dmarc_record(text));
    check(record->p.has_value() || !record->rua.empty());
    if (record->pct) check(*record->pct <= 100);
    for (const ReportUri& u : record->rua) (void)u.mailbox();
    auto again = parse_record(to_string(*record));
    check(again.ok());
    check(again->domain_policy() == record->domain_policy());
    check(again->subdomain_policy() == record->subdomain_policy());
    check(again->nonexistent_policy() == record->nonexistent_policy());
    check(again->adkim == record->adkim && again->aspf == record->aspf);
    check(again->psd == record->psd && again->testing == record->testing);
    check(again->rua.size() == record->rua.size());
  }
  // The tree walk's names for the input taken as a domain: bounded and shrinking.
  if (size < 300) {
    const auto names = tree_walk_names(text, 8);
    check(names.size() <= 8);
  }
  return 0;
}
