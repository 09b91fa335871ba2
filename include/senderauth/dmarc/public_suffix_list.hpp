// The Public Suffix List through libpsl: the RFC 7489 way of finding organisational domains,
// kept beside the RFC 9989 tree walk for receivers that want it.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "senderauth/core/result.hpp"

namespace senderauth::dmarc {

// Debian's publicsuffix package; the .dafsa form next to it loads faster.
inline constexpr const char* kDefaultPublicSuffixList =
    "/usr/share/publicsuffix/public_suffix_list.dat";

class PublicSuffixList {
 public:
  // Loads a list in PSL text form or libpsl's DAFSA form (chosen by content).
  static Result<std::shared_ptr<const PublicSuffixList>> load(const std::string& path);
  ~PublicSuffixList();
  PublicSuffixList(const PublicSuffixList&) = delete;
  PublicSuffixList& operator=(const PublicSuffixList&) = delete;

  // The registrable domain (public suffix plus one label), lower-cased; nothing when `name`
  // is itself a public suffix, is empty or starts with a dot. U-labels in and out as UTF-8.
  std::optional<std::string> registrable_domain(std::string_view name) const;
  // RFC 7489 3.2: the registrable domain, or the name itself when it is a public suffix.
  std::string organizational_domain(std::string_view name) const;
  const std::string& path() const { return path_; }

 private:
  struct Impl;
  PublicSuffixList(std::unique_ptr<Impl> impl, std::string path);
  std::unique_ptr<Impl> impl_;
  std::string path_;
};

}  // namespace senderauth::dmarc
