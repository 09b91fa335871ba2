#include "senderauth/dmarc/public_suffix_list.hpp"

#include <libpsl.h>

#include <filesystem>
#include <string>

#include "senderauth/core/domain_name.hpp"

namespace senderauth::dmarc {

struct PublicSuffixList::Impl {
  psl_ctx_t* ctx = nullptr;
  ~Impl() {
    if (ctx != nullptr) psl_free(ctx);
  }
};

PublicSuffixList::PublicSuffixList(std::unique_ptr<Impl> impl, std::string path)
    : impl_(std::move(impl)), path_(std::move(path)) {}

PublicSuffixList::~PublicSuffixList() = default;

Result<std::shared_ptr<const PublicSuffixList>> PublicSuffixList::load(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return make_error("public suffix list not found: " + path);
  }
  auto impl = std::make_unique<Impl>();
  impl->ctx = psl_load_file(path.c_str());
  if (impl->ctx == nullptr) return make_error("public suffix list not readable: " + path);
  // libpsl takes any readable file, and a file without rules (an HTML error page saved by a
  // download job, a truncated copy) leaves only its default rule "*": every TLD is then a
  // public suffix, so bank.co.uk's organisational domain becomes co.uk and any *.co.uk sender
  // aligns with it. Every real list names "com" explicitly.
  if (psl_is_public_suffix2(impl->ctx, "com", PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE) == 0) {
    return make_error("not a public suffix list (it has no rule for \"com\"): " + path);
  }
  return std::shared_ptr<const PublicSuffixList>(new PublicSuffixList(std::move(impl), path));
}

std::optional<std::string> PublicSuffixList::registrable_domain(std::string_view name) const {
  std::string lower = ascii_lower(name);
  if (!lower.empty() && lower.back() == '.') lower.pop_back();
  // A leading dot or an empty label is no domain name (the PSL tests want null for these).
  if (lower.empty() || lower.front() == '.' || lower.find("..") != std::string::npos) {
    return std::nullopt;
  }
  const char* found = psl_registrable_domain(impl_->ctx, lower.c_str());
  if (found == nullptr) return std::nullopt;
  return std::string(found);
}

std::string PublicSuffixList::organizational_domain(std::string_view name) const {
  if (auto registrable = registrable_domain(name)) return *registrable;
  std::string lower = ascii_lower(name);
  if (!lower.empty() && lower.back() == '.') lower.pop_back();
  return lower;
}

}  // namespace senderauth::dmarc
