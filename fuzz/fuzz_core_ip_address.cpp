// IpAddress::parse and IpNetwork::parse on arbitrary bytes: accepted addresses print in a
// canonical form that parses back to the same address, and every network contains itself.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "senderauth/core/domain_name.hpp"
#include "senderauth/core/ip_address.hpp"

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto ip = senderauth::IpAddress::parse(text)) {
    const std::string canonical = ip->to_string();
    auto again = senderauth::IpAddress::parse(canonical);
    check(again.ok() && *again == *ip && again->to_string() == canonical);
    check(senderauth::parse_domain(ip->reverse_name()).ok());
    check(ip->spf_macro_form().size() == (ip->is_v4() ? canonical.size() : 63u));
    check(ip->in_network(*ip, ip->is_v4() ? 32 : 128));
    check(ip->unmapped().in_network(ip->unmapped(), 128));
    if (ip->is_v4_mapped()) check(ip->in_network(ip->unmapped(), 32));
    (void)ip->is_loopback();
  } else {
    check(!ip.reason().empty());
  }
  if (auto network = senderauth::IpNetwork::parse(text)) {
    check(network->prefix >= 0 && network->prefix <= (network->address.is_v4() ? 32 : 128));
    check(network->contains(network->address));
  }
  return 0;
}
