// A Debian package version, [epoch:]upstream[-revision]. Views into the parsed text, which must
// outlive it.
#pragma once

#include <compare>
#include <cstdint>
#include <string_view>

#include "common/error.h"

namespace strata {

struct DpkgVersion {
  std::uint32_t epoch = 0;
  std::string_view upstream;
  std::string_view revision;

  // As dpkg's parseversion, including the checks it reports as errors or warnings.
  static Result<DpkgVersion> parse(std::string_view text);
  std::strong_ordering operator<=>(const DpkgVersion& other) const;
};

}  // namespace strata
