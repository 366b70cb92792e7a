// An installed package as an inventory records it. Plain value; thread-compatible.
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace strata {

// Ecosystems are named by their package-url type. The first three are OS package managers; the
// rest are language package managers, matched against their own ecosystem's advisories.
enum class Ecosystem { kDeb, kRpm, kApk, kPypi, kNpm, kGolang, kMaven, kGem, kCargo, kComposer, kNuget };

bool is_os_ecosystem(Ecosystem ecosystem);

std::string_view to_string(Ecosystem ecosystem);
std::optional<Ecosystem> parse_ecosystem(std::string_view text);

struct Package {
  Ecosystem ecosystem = Ecosystem::kDeb;
  std::string name;
  // As the package manager prints it: dpkg "[epoch:]upstream[-revision]", rpm
  // "[epoch:]version-release", apk "version-rN".
  std::string version;
  std::string source_name;     // the source package; equals name when the database names none
  std::string source_version;  // equals version when the database names none
  std::string arch;
  std::string path;            // the database file it was read from, relative to the image root
  // A language package whose files an OS package installed: that package's name. Set when
  // layers are merged; such a package is matched through its OS package only.
  std::string os_owner{};

  auto operator<=>(const Package&) const = default;
};

}  // namespace strata
