#include "arc_chain.hpp"

#include <array>
#include <string>

namespace senderauth::arc::detail {

Result<std::vector<ArcSetFields>> collect_arc_sets(const message::HeaderList& headers) {
  // slots[i][kind]: the field claiming instance i+1 for that kind.
  std::array<std::array<const message::HeaderField*, 3>, kMaxInstance> slots{};
  int highest = 0;
  for (const auto& field : headers) {
    auto kind = arc_field_kind(field.name());
    if (!kind) continue;
    auto instance = parse_arc_instance(*kind, field.value());
    if (!instance) return instance.error();
    auto& slot = slots[static_cast<std::size_t>(*instance - 1)][static_cast<std::size_t>(*kind)];
    if (slot != nullptr) {
      return make_error("more than one " + std::string(to_string(*kind)) +
                        " with i=" + std::to_string(*instance));
    }
    slot = &field;
    if (*instance > highest) highest = *instance;
  }
  std::vector<ArcSetFields> sets;
  if (highest == 0) return sets;
  sets.reserve(static_cast<std::size_t>(highest));
  for (int i = 1; i <= highest; ++i) {
    const auto& slot = slots[static_cast<std::size_t>(i - 1)];
    for (auto kind :
         {ArcFieldKind::auth_results, ArcFieldKind::message_signature, ArcFieldKind::seal}) {
      if (slot[static_cast<std::size_t>(kind)] == nullptr) {
        return make_error("ARC set " + std::to_string(i) + " has no " +
                          std::string(to_string(kind)));
      }
    }
    ArcSetFields set;
    set.instance = i;
    set.aar_field = slot[static_cast<std::size_t>(ArcFieldKind::auth_results)];
    set.ams_field = slot[static_cast<std::size_t>(ArcFieldKind::message_signature)];
    set.seal_field = slot[static_cast<std::size_t>(ArcFieldKind::seal)];
    auto aar = parse_arc_auth_results(set.aar_field->value());
    if (!aar) return aar.error();
    set.aar = std::move(aar).value();
    auto ams = parse_arc_message_signature(set.ams_field->value());
    if (!ams) return make_error("i=" + std::to_string(i) + " " + ams.reason());
    set.ams = std::move(ams).value();
    auto seal = parse_arc_seal(set.seal_field->value());
    if (!seal) return make_error("i=" + std::to_string(i) + " " + seal.reason());
    set.seal = std::move(seal).value();
    sets.push_back(std::move(set));
  }
  return sets;
}

std::optional<std::string> check_chain_status(const std::vector<ArcSetFields>& sets) {
  if (sets.empty()) return std::nullopt;
  auto seal_says = [](int instance, ChainStatus cv) {
    return "ARC-Seal i=" + std::to_string(instance) + " says cv=" + std::string(to_string(cv));
  };
  const auto& newest = sets.back().seal;
  if (newest.chain_status == ChainStatus::fail) {
    return seal_says(newest.instance, ChainStatus::fail);
  }
  for (const auto& set : sets) {
    ChainStatus cv = set.seal.chain_status;
    if (cv == ChainStatus::fail) return seal_says(set.instance, cv);
    if (set.instance == 1 && cv != ChainStatus::none) return seal_says(1, cv) + ", not none";
    if (set.instance > 1 && cv != ChainStatus::pass) {
      return seal_says(set.instance, cv) + ", not pass";
    }
  }
  return std::nullopt;
}

}  // namespace senderauth::arc::detail
