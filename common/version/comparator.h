// Version ordering, one comparator per ecosystem, each following its upstream tool exactly: a
// wrong comparison is a silent false negative. Comparators are stateless and thread-safe.
#pragma once

#include <compare>
#include <optional>
#include <string_view>

#include "common/error.h"

namespace strata {

enum class VersionScheme { kDeb, kRpm, kApk, kPep440, kSemver, kGo, kMaven, kGem, kNuget, kComposer };

std::string_view to_string(VersionScheme scheme);
// Accepts the purl type and the OSV ecosystem spellings: deb/debian/ubuntu, rpm, apk/alpine,
// pypi, npm/cargo/semver, golang/go, maven, gem/rubygems, nuget, composer/packagist.
std::optional<VersionScheme> parse_version_scheme(std::string_view text);

class VersionComparator {
 public:
  virtual ~VersionComparator() = default;
  // kInvalidInput, saying why, when the ecosystem's tool does not accept `version`.
  virtual Result<void> validate(std::string_view version) const = 0;
  // The ordering the upstream tool gives. Tools that order anything (rpm, apk) order invalid
  // versions too, as they do; the others return kInvalidInput for them.
  virtual Result<std::strong_ordering> compare(std::string_view a, std::string_view b) const = 0;
};

const VersionComparator& comparator_for(VersionScheme scheme);

// -1, 0, 1 → strong_ordering, for comparators written in the C style of their upstream.
inline std::strong_ordering ordering_of(int sign) {
  return sign < 0 ? std::strong_ordering::less
                  : sign > 0 ? std::strong_ordering::greater : std::strong_ordering::equal;
}

}  // namespace strata
