// What a package-database parser returns: the packages it could read, and one warning per record
// it had to skip (naming the file, the line or record, and what was wrong). A parser fails as a
// whole only when the file as such is unreadable.
#pragma once

#include <string>
#include <vector>

#include "common/package.h"

namespace strata::worker {

struct ParsedPackages {
  std::vector<Package> packages;
  std::vector<std::string> skipped;
};

}  // namespace strata::worker
