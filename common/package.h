// An installed package as an inventory records it. Plain value; thread-compatible.
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>

#include "common/ecosystems.h"

namespace strata {

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
