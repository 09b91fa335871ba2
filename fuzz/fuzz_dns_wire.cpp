// DNS wire format as libunbound hands it over (the answer packet and each record's rdata): the
// bytes come from the network, so malformed packets, compression loops and truncated rdata must
// end in "malformed", never in a crash or unbounded work.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "dns/unbound_wire.hpp"

namespace {

using senderauth::dns::Answer;
using senderauth::dns::RecordType;

constexpr RecordType kTypes[] = {RecordType::A,  RecordType::AAAA, RecordType::TXT,
                                 RecordType::MX, RecordType::PTR,  RecordType::CNAME,
                                 RecordType::NS, RecordType::CAA,  RecordType::SOA};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  // The whole input as an answer packet: a CNAME chain from a name read inside it.
  std::size_t offset = size > 12 ? 12 : 0;
  const auto qname = senderauth::dns::wire::read_name(bytes, offset);
  if (qname && offset > size) __builtin_trap();  // a name never ends past the packet
  (void)senderauth::dns::wire::cname_chain(bytes, qname ? *qname : std::string("example.test"));
  // The input as one record's rdata of every type.
  for (RecordType type : kTypes) {
    Answer answer;
    (void)senderauth::dns::wire::decode_rdata(type, bytes, answer);
  }
  return 0;
}
