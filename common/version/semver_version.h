// A parsed SemVer 2.0.0 version (views into the text, which must outlive it), shared by the
// npm/Cargo and Go comparators and the label ordering of SemVer-like schemes.
#pragma once

#include <compare>
#include <optional>
#include <string_view>
#include <vector>

namespace strata {

struct SemverVersion {
  std::string_view major, minor, patch;
  std::vector<std::string_view> prerelease;

  // node-semver's rules; `loose` is its loose mode (leading "=v" and spaces, leading zeros, a
  // pre-release without its "-").
  static std::optional<SemverVersion> parse(std::string_view text, bool loose = false);
  std::strong_ordering operator<=>(const SemverVersion& other) const;
};

// golang.org/x/mod/semver's parse; the leading "v" is optional here.
std::optional<SemverVersion> parse_go_version(std::string_view text);

// SemVer pre-release ordering; an empty list (a release) sorts after any pre-release.
std::strong_ordering compare_prerelease_labels(const std::vector<std::string_view>& a,
                                               const std::vector<std::string_view>& b,
                                               bool ignore_case);

}  // namespace strata
