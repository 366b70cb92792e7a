// Which records apply to a package: OSV ecosystem strings reduced to a match key, the image's
// own key for each of its packages, and the version scheme each ecosystem orders by.
#pragma once

#include <optional>
#include <string>

#include "common/distro.h"
#include "common/package.h"
#include "common/version/comparator.h"

namespace strata {

// "Ubuntu:22.04:LTS" → "Ubuntu:22.04"; "Red Hat:enterprise_linux:9::appstream" → "Red Hat:9";
// Ubuntu Pro and Red Hat extended-support streams keep keys of their own, which no plain image
// has. Everything else is its own key.
std::string ecosystem_key(std::string_view osv_ecosystem);

// The version scheme records of `osv_ecosystem` use, or nullopt for ecosystems strata cannot
// order.
std::optional<VersionScheme> scheme_for_ecosystem(std::string_view osv_ecosystem);

// What to look up for an installed OS package: the ecosystem key of its distro and the name its
// advisories use (the source package for Debian, Ubuntu and Alpine; the binary name for rpm),
// and the version to compare (Debian's advisories name source versions).
struct MatchQuery {
  std::string ecosystem_key;
  std::string package;
  std::string version;
};

std::optional<MatchQuery> match_query(const Package& package, const std::optional<Distro>& distro);

}  // namespace strata
