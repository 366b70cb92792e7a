// NuGet versions (NuGet.Versioning's NuGetVersion and VersionComparer): one to four numeric
// parts (missing ones are 0), an optional SemVer 2.0 pre-release whose labels compare case-
// insensitively, and build metadata that does not take part in ordering.
#include <cctype>
#include <string>
#include <vector>

#include "common/version/numeric.h"
#include "common/version/schemes.h"
#include "common/version/semver_version.h"

namespace strata {

STRATA_DECLARE_COMPARATOR(NugetComparator);  // NuGetVersion

namespace {

struct NugetVersion {
  std::vector<std::string_view> parts;  // 1 to 4
  std::vector<std::string_view> prerelease;
};

bool label_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; }

std::optional<NugetVersion> parse(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  NugetVersion v;
  const std::size_t plus = s.find('+');
  std::string_view metadata;
  if (plus != std::string_view::npos) {
    metadata = s.substr(plus + 1);
    s = s.substr(0, plus);
    if (metadata.empty()) return std::nullopt;
    for (const char c : metadata) {
      if (!label_char(c) && c != '.') return std::nullopt;
    }
  }
  const std::size_t dash = s.find('-');
  std::string_view numbers = s.substr(0, dash);
  if (dash != std::string_view::npos) {
    std::string_view rest = s.substr(dash + 1);
    for (;;) {
      const std::size_t dot = rest.find('.');
      const std::string_view label = rest.substr(0, dot);
      if (label.empty()) return std::nullopt;
      for (const char c : label) {
        if (!label_char(c)) return std::nullopt;
      }
      v.prerelease.push_back(label);
      if (dot == std::string_view::npos) break;
      rest = rest.substr(dot + 1);
    }
  }
  for (;;) {
    const std::size_t dot = numbers.find('.');
    const std::string_view part = numbers.substr(0, dot);
    if (!all_digits(part)) return std::nullopt;
    v.parts.push_back(part);
    if (dot == std::string_view::npos) break;
    numbers = numbers.substr(dot + 1);
  }
  if (v.parts.size() > 4) return std::nullopt;
  return v;
}

}  // namespace

Result<void> NugetComparator::validate(std::string_view version) const {
  if (!parse(version)) {
    return fail(ErrorCode::kInvalidInput, "'" + std::string(version) + "' is not a NuGet version");
  }
  return {};
}

Result<std::strong_ordering> NugetComparator::compare(std::string_view a, std::string_view b) const {
  const auto va = parse(a);
  if (!va) return fail(ErrorCode::kInvalidInput, "'" + std::string(a) + "' is not a NuGet version");
  const auto vb = parse(b);
  if (!vb) return fail(ErrorCode::kInvalidInput, "'" + std::string(b) + "' is not a NuGet version");
  for (std::size_t i = 0; i < 4; ++i) {
    const std::string_view x = i < va->parts.size() ? va->parts[i] : "0";
    const std::string_view y = i < vb->parts.size() ? vb->parts[i] : "0";
    if (const auto c = compare_digits(x, y); c != 0) return c;
  }
  return compare_prerelease_labels(va->prerelease, vb->prerelease, /*ignore_case=*/true);
}

STRATA_COMPARATOR_INSTANCE(NugetComparator, nuget_version_order)

}  // namespace strata
