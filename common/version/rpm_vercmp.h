// rpmvercmp on bare strings, without splitting epoch and release (what rpm's own test vectors
// exercise). The RpmComparator applies it to each part of [epoch:]version-release.
#pragma once

#include <string_view>

namespace strata {

int rpm_vercmp(std::string_view a, std::string_view b);

}  // namespace strata
