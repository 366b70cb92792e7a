// Version ordering, one comparator per scheme, each following its upstream tool exactly: a
// wrong comparison is a silent false negative. Comparators are stateless and thread-safe; which
// ecosystem orders by which is a column of the ecosystem table (common/ecosystems.h).
#pragma once

#include <compare>
#include <optional>
#include <string_view>

#include "common/error.h"

namespace strata {

class VersionComparator {
 public:
  virtual ~VersionComparator() = default;
  // kInvalidInput, saying why, when the ecosystem's tool does not accept `version`.
  virtual Result<void> validate(std::string_view version) const = 0;
  // The ordering the upstream tool gives. Tools that order anything (rpm, apk) order invalid
  // versions too, as they do; the others return kInvalidInput for them.
  virtual Result<std::strong_ordering> compare(std::string_view a, std::string_view b) const = 0;
};

// The SemVer 2.0.0 order, which OSV's SEMVER ranges use whatever their ecosystem's own scheme.
const VersionComparator& semver_version_order();

// -1, 0, 1 → strong_ordering, for comparators written in the C style of their upstream.
inline std::strong_ordering ordering_of(int sign) {
  return sign < 0 ? std::strong_ordering::less
                  : sign > 0 ? std::strong_ordering::greater : std::strong_ordering::equal;
}

}  // namespace strata
