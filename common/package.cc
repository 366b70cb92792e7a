#include "common/package.h"

#include <array>
#include <utility>

namespace strata {
namespace {

constexpr std::array<std::pair<Ecosystem, std::string_view>, 11> kNames = {{
    {Ecosystem::kDeb, "deb"},       {Ecosystem::kRpm, "rpm"},     {Ecosystem::kApk, "apk"},
    {Ecosystem::kPypi, "pypi"},     {Ecosystem::kNpm, "npm"},     {Ecosystem::kGolang, "golang"},
    {Ecosystem::kMaven, "maven"},   {Ecosystem::kGem, "gem"},     {Ecosystem::kCargo, "cargo"},
    {Ecosystem::kComposer, "composer"}, {Ecosystem::kNuget, "nuget"},
}};

}  // namespace

bool is_os_ecosystem(Ecosystem ecosystem) {
  return ecosystem == Ecosystem::kDeb || ecosystem == Ecosystem::kRpm || ecosystem == Ecosystem::kApk;
}

std::string_view to_string(Ecosystem ecosystem) {
  for (const auto& [e, name] : kNames) {
    if (e == ecosystem) return name;
  }
  return "unknown";
}

std::optional<Ecosystem> parse_ecosystem(std::string_view text) {
  for (const auto& [e, name] : kNames) {
    if (name == text) return e;
  }
  return std::nullopt;
}

}  // namespace strata
