#include "common/package.h"

namespace strata {

std::string_view to_string(Ecosystem ecosystem) {
  switch (ecosystem) {
    case Ecosystem::kDeb: return "deb";
    case Ecosystem::kRpm: return "rpm";
    case Ecosystem::kApk: return "apk";
  }
  return "unknown";
}

std::optional<Ecosystem> parse_ecosystem(std::string_view text) {
  if (text == "deb") return Ecosystem::kDeb;
  if (text == "rpm") return Ecosystem::kRpm;
  if (text == "apk") return Ecosystem::kApk;
  return std::nullopt;
}

}  // namespace strata
