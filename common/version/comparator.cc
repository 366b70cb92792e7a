#include "common/version/comparator.h"

#include "common/version/schemes.h"

namespace strata {

std::string_view to_string(VersionScheme scheme) {
  switch (scheme) {
    case VersionScheme::kDeb: return "deb";
    case VersionScheme::kRpm: return "rpm";
    case VersionScheme::kApk: return "apk";
    case VersionScheme::kPep440: return "pypi";
    case VersionScheme::kSemver: return "semver";
    case VersionScheme::kGo: return "golang";
    case VersionScheme::kMaven: return "maven";
    case VersionScheme::kGem: return "gem";
    case VersionScheme::kNuget: return "nuget";
    case VersionScheme::kComposer: return "composer";
  }
  return "unknown";
}

std::optional<VersionScheme> parse_version_scheme(std::string_view text) {
  struct Name {
    std::string_view name;
    VersionScheme scheme;
  };
  static constexpr Name kNames[] = {
      {"deb", VersionScheme::kDeb},         {"debian", VersionScheme::kDeb},
      {"ubuntu", VersionScheme::kDeb},      {"rpm", VersionScheme::kRpm},
      {"redhat", VersionScheme::kRpm},      {"apk", VersionScheme::kApk},
      {"alpine", VersionScheme::kApk},      {"pypi", VersionScheme::kPep440},
      {"pep440", VersionScheme::kPep440},   {"npm", VersionScheme::kSemver},
      {"cargo", VersionScheme::kSemver},    {"crates.io", VersionScheme::kSemver},
      {"semver", VersionScheme::kSemver},   {"golang", VersionScheme::kGo},
      {"go", VersionScheme::kGo},           {"maven", VersionScheme::kMaven},
      {"gem", VersionScheme::kGem},         {"rubygems", VersionScheme::kGem},
      {"nuget", VersionScheme::kNuget},     {"composer", VersionScheme::kComposer},
      {"packagist", VersionScheme::kComposer},
  };
  std::string lower;
  for (const char c : text) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  for (const auto& n : kNames) {
    if (n.name == lower) return n.scheme;
  }
  return std::nullopt;
}

const VersionComparator& comparator_for(VersionScheme scheme) {
  static const DpkgComparator dpkg;
  static const RpmComparator rpm;
  static const ApkComparator apk;
  static const Pep440Comparator pep440;
  static const SemverComparator semver;
  static const GoComparator go;
  static const MavenComparator maven;
  static const GemComparator gem;
  static const NugetComparator nuget;
  static const ComposerComparator composer;
  switch (scheme) {
    case VersionScheme::kDeb: return dpkg;
    case VersionScheme::kRpm: return rpm;
    case VersionScheme::kApk: return apk;
    case VersionScheme::kPep440: return pep440;
    case VersionScheme::kSemver: return semver;
    case VersionScheme::kGo: return go;
    case VersionScheme::kMaven: return maven;
    case VersionScheme::kGem: return gem;
    case VersionScheme::kNuget: return nuget;
    case VersionScheme::kComposer: break;
  }
  return composer;
}

}  // namespace strata
