// Which records apply to a package: OSV ecosystem strings reduced to a match key, the image's
// own key for each of its packages.
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

// What to look up for an installed OS package: the ecosystem key of its distro and the name its
// advisories use (the source package for Debian, Ubuntu and Alpine; the binary name for rpm),
// and the version to compare (Debian's advisories name source versions).
struct MatchQuery {
  std::string ecosystem_key;
  std::string package;
  std::string version;
};

// The OSV ecosystem of a language package manager ("PyPI", "npm", …; a column of the ecosystem
// table); empty for OS package managers, whose ecosystem is the distro's.
std::string_view osv_ecosystem(Ecosystem ecosystem);

// The name advisories and packages are compared by: PEP 503 for PyPI ("Foo_Bar.baz" →
// "foo-bar-baz"), lower case where the registry ignores case (the ecosystem table's name rule).
// Applied to both sides, at import and at match.
std::string normalize_package_name(std::string_view ecosystem_key, std::string_view name);

// What to look up for a package. OS packages need the distro; a language package is looked up
// in its own ecosystem, unless an OS package installed it (os_owner): then the distro's feed,
// through that OS package, is the only one whose fixes apply, and there is nothing to look up.
std::optional<MatchQuery> match_query(const Package& package, const std::optional<Distro>& distro);

}  // namespace strata
