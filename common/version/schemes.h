// The comparator of each ecosystem; each is defined in its own file, named after the scheme.
#pragma once

#include "common/version/comparator.h"

namespace strata {

#define STRATA_DECLARE_COMPARATOR(Name)                                                        \
  class Name final : public VersionComparator {                                                \
   public:                                                                                     \
    Result<void> validate(std::string_view version) const override;                            \
    Result<std::strong_ordering> compare(std::string_view a, std::string_view b) const override; \
  }

STRATA_DECLARE_COMPARATOR(DpkgComparator);      // dpkg.cc: dpkg's verrevcmp
STRATA_DECLARE_COMPARATOR(RpmComparator);       // rpm.cc: rpmvercmp over epoch, version, release
STRATA_DECLARE_COMPARATOR(ApkComparator);       // apk.cc: apk-tools' token comparison
STRATA_DECLARE_COMPARATOR(Pep440Comparator);    // pep440.cc: PEP 440 as pypa/packaging
STRATA_DECLARE_COMPARATOR(SemverComparator);    // semver.cc: SemVer 2.0.0 (npm, Cargo)
STRATA_DECLARE_COMPARATOR(GoComparator);        // semver.cc: golang.org/x/mod/semver
STRATA_DECLARE_COMPARATOR(MavenComparator);     // maven.cc: Maven's ComparableVersion
STRATA_DECLARE_COMPARATOR(GemComparator);       // gem.cc: Gem::Version
STRATA_DECLARE_COMPARATOR(NugetComparator);     // nuget.cc: NuGetVersion
STRATA_DECLARE_COMPARATOR(ComposerComparator);  // composer.cc: Composer normalize + version_compare

#undef STRATA_DECLARE_COMPARATOR

}  // namespace strata
