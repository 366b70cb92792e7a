// What a package-database parser returns: the packages it could read, and one warning per record
// it had to skip (naming the file, the line or record, and what was wrong). A parser fails as a
// whole only when the file as such is unreadable.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/package.h"

namespace strata::worker {

struct ParsedPackages {
  std::vector<Package> packages;
  std::vector<std::string> skipped;
  // (path, package) for files the database says a package installed, when the caller asked
  // for them; paths relative to the image root.
  std::vector<std::pair<std::string, std::string>> owned_files;
};

// Which installed files a caller wants to hear about (nullptr: none).
using OwnedFileFilter = bool (*)(std::string_view path);

}  // namespace strata::worker
