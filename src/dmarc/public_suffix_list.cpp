#include "senderauth/dmarc/public_suffix_list.hpp"

#include <libpsl.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>

#include "senderauth/core/domain_name.hpp"

namespace senderauth::dmarc {

struct PublicSuffixList::Impl {
  psl_ctx_t* ctx = nullptr;
  ~Impl() {
    if (ctx != nullptr) psl_free(ctx);
  }
};

namespace {

// The first word of a list line (the rule; the rest of a line is ignored), when it is neither
// a comment nor a name a rule can be: letters, digits, '-', '.', '*' and UTF-8, after an
// optional '!' (an exception). Nothing for a good or an empty line.
std::optional<std::string> bad_rule_line(std::string_view line) {
  const std::size_t start = line.find_first_not_of(" \t\r");
  if (start == std::string_view::npos) return std::nullopt;
  line.remove_prefix(start);
  line = line.substr(0, line.find_first_of(" \t\r"));
  if (line.starts_with("//")) return std::nullopt;
  std::string_view name = line;
  if (name.starts_with('!')) name.remove_prefix(1);
  const bool ok = !name.empty() && std::ranges::all_of(name, [](char c) {
    return static_cast<unsigned char>(c) >= 0x80 || (c >= 'a' && c <= 'z') ||
           (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '*';
  });
  if (ok) return std::nullopt;
  std::string shown(line.substr(0, 40));
  for (char& c : shown) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';  // one line on stderr
  }
  return shown;
}

}  // namespace

PublicSuffixList::PublicSuffixList(std::unique_ptr<Impl> impl, std::string path)
    : impl_(std::move(impl)), path_(std::move(path)) {}

PublicSuffixList::~PublicSuffixList() = default;

Result<std::shared_ptr<const PublicSuffixList>> PublicSuffixList::load(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return make_error("public suffix list not found: " + path);
  }
  // libpsl takes any readable file as a list: each line that is not a "//" comment is a rule.
  // An HTML error page saved by a download job, or /etc/passwd, made rules of markup; a copy
  // cut off after its comments made none, leaving libpsl's default rule "*". Either way every
  // TLD became a public suffix, bank.co.uk's organisational domain co.uk, and any *.co.uk
  // sender aligned with it under p=reject. So a text list must hold rules, each one a name.
  bool is_dafsa = false;
  {
    std::ifstream in(path, std::ios::binary);
    std::string line;
    std::size_t number = 0;
    while (std::getline(in, line)) {
      if (++number == 1 && line.starts_with(".DAFSA@PSL_")) {
        is_dafsa = true;  // libpsl's compiled form, checked by libpsl itself
        break;
      }
      // A copy saved by a Windows editor may start with a UTF-8 byte order mark.
      if (number == 1 && line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);
      if (auto bad = bad_rule_line(line)) {
        return make_error("not a public suffix list (line " + std::to_string(number) + ", \"" +
                          *bad + "\", is no rule): " + path);
      }
    }
  }
  auto impl = std::make_unique<Impl>();
  impl->ctx = psl_load_file(path.c_str());
  if (impl->ctx == nullptr) return make_error("public suffix list not readable: " + path);
  if (!is_dafsa && psl_suffix_count(impl->ctx) <= 0) {
    return make_error("not a public suffix list (it has no rules): " + path);
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
