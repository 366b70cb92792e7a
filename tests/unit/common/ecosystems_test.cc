// The ecosystem table: rows in the enumeration's order, each complete, and the lookups that
// packages, matching, `vercmp` and `db update` make through it.
#include "common/ecosystems.h"

#include <gtest/gtest.h>

#include <set>

#include "common/version/comparator.h"

namespace strata {
namespace {

TEST(Ecosystems, RowsAreInTheEnumerationsOrderAndComplete) {
  ASSERT_EQ(ecosystems().size(), kEcosystemCount);
  std::set<std::string_view> names;
  for (std::size_t i = 0; i < ecosystems().size(); ++i) {
    const auto& row = ecosystems()[i];
    EXPECT_EQ(static_cast<std::size_t>(row.id), i) << row.name;
    EXPECT_NE(row.comparator, nullptr) << row.name;
    EXPECT_FALSE(row.display_name.empty()) << row.name;
    EXPECT_FALSE(row.osv_families.empty()) << row.name;
    EXPECT_FALSE(row.default_feeds.empty()) << row.name;
    EXPECT_EQ(row.os, row.osv_name.empty()) << row.name;
    EXPECT_TRUE(names.insert(row.name).second) << "two rows named " << row.name;
    EXPECT_EQ(parse_ecosystem(row.name), row.id);
    EXPECT_EQ(to_string(row.id), row.name);
  }
}

TEST(Ecosystems, FoundByNameAliasOrOsvNameInAnyCase) {
  EXPECT_EQ(find_ecosystem("deb")->id, Ecosystem::kDeb);
  EXPECT_EQ(find_ecosystem("Ubuntu")->id, Ecosystem::kDeb);
  EXPECT_EQ(find_ecosystem("PEP440")->id, Ecosystem::kPypi);
  EXPECT_EQ(find_ecosystem("PyPI")->id, Ecosystem::kPypi);
  EXPECT_EQ(find_ecosystem("crates.io")->id, Ecosystem::kCargo);
  EXPECT_EQ(find_ecosystem("go")->id, Ecosystem::kGolang);
  EXPECT_EQ(find_ecosystem("Packagist")->id, Ecosystem::kComposer);
  EXPECT_EQ(find_ecosystem("cobol"), nullptr);
}

TEST(Ecosystems, AnOsvEcosystemIsOrderedByItsFamilysComparator) {
  EXPECT_EQ(ecosystem_of_osv("Debian:12")->id, Ecosystem::kDeb);
  EXPECT_EQ(ecosystem_of_osv("Wolfi")->id, Ecosystem::kApk);
  EXPECT_EQ(ecosystem_of_osv("Red Hat:enterprise_linux:9::appstream")->id, Ecosystem::kRpm);
  EXPECT_EQ(ecosystem_of_osv("crates.io")->id, Ecosystem::kCargo);
  EXPECT_EQ(ecosystem_of_osv("Hackage"), nullptr);
  // npm and Cargo share SemVer; Go orders its own way.
  EXPECT_EQ(&ecosystem_info(Ecosystem::kNpm).comparator(), &ecosystem_info(Ecosystem::kCargo).comparator());
  EXPECT_EQ(&ecosystem_info(Ecosystem::kNpm).comparator(), &semver_version_order());
  EXPECT_NE(&ecosystem_info(Ecosystem::kGolang).comparator(), &semver_version_order());
}

TEST(Ecosystems, OnlyTheFirstThreeAreOsPackageManagers) {
  for (const auto& row : ecosystems()) {
    EXPECT_EQ(is_os_ecosystem(row.id), row.id == Ecosystem::kDeb || row.id == Ecosystem::kRpm || row.id == Ecosystem::kApk);
  }
  EXPECT_EQ(ecosystem_names().substr(0, 13), "deb, rpm, apk");
}

}  // namespace
}  // namespace strata
