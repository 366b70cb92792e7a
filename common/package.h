// An installed package as an inventory records it. Plain value; thread-compatible.
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace strata {

// Ecosystems are named by their package-url type.
enum class Ecosystem { kDeb, kRpm, kApk };

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

  auto operator<=>(const Package&) const = default;
};

}  // namespace strata
