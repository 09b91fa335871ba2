// ARC header parsing: the three field parsers, instance extraction, set collection over a
// whole header section, and the Authentication-Results merge the sealer does.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "arc/arc_chain.hpp"
#include "arc/authres_merge.hpp"
#include "senderauth/arc/arc_fields.hpp"
#include "senderauth/message/message_reader.hpp"

using namespace senderauth;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  (void)arc::parse_arc_message_signature(input);
  (void)arc::parse_arc_seal(input);
  (void)arc::parse_arc_auth_results(input);
  for (auto kind : {arc::ArcFieldKind::seal, arc::ArcFieldKind::message_signature,
                    arc::ArcFieldKind::auth_results}) {
    auto instance = arc::parse_arc_instance(kind, input);
    if (instance && (*instance < 1 || *instance > arc::kMaxInstance)) __builtin_trap();
  }
  auto parsed = message::parse_message(input);
  if (parsed) {
    auto sets = arc::detail::collect_arc_sets(parsed->headers);
    if (sets) {
      int expected = 1;
      for (const auto& set : *sets) {
        if (set.instance != expected++ || set.seal.instance != set.instance ||
            set.ams.instance != set.instance || set.aar.instance != set.instance) {
          __builtin_trap();
        }
      }
    }
    auto own = arc::detail::own_results(parsed->headers, "mx.example.org");
    (void)arc::detail::merge_results(own);
  }
  return 0;
}
