#include "worker/parser/dpkg_status.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "tests/support/shared_data.h"

namespace strata::worker {
namespace {

TEST(DpkgStatus, ReadsInstalledStanzasWithSource) {
  const std::string text =
      "Package: libgcc1\nStatus: install ok installed\nArchitecture: amd64\n"
      "Source: gcc-5 (5.1.1-12ubuntu1)\nVersion: 1:5.1.1-12ubuntu1\nDescription: x\n more\n\n"
      "Package: git\nStatus: deinstall ok config-files\nVersion: 1:2.17.1-1\n\n"
      "Package: zlib1g\nStatus: hold ok installed\nSource: zlib\nVersion: 1:1.2.13\n";
  auto parsed = parse_dpkg_status(text, "var/lib/dpkg/status", DpkgDatabase::kStatus);
  ASSERT_EQ(parsed.packages.size(), 2u);
  EXPECT_TRUE(parsed.skipped.empty());
  const auto& gcc = parsed.packages[0];
  EXPECT_EQ(gcc.name, "libgcc1");
  EXPECT_EQ(gcc.version, "1:5.1.1-12ubuntu1");
  EXPECT_EQ(gcc.source_name, "gcc-5");
  EXPECT_EQ(gcc.source_version, "5.1.1-12ubuntu1");
  EXPECT_EQ(gcc.arch, "amd64");
  EXPECT_EQ(parsed.packages[1].source_name, "zlib");
  EXPECT_EQ(parsed.packages[1].source_version, "1:1.2.13");
}

TEST(DpkgStatus, SkipsAndNamesBrokenStanzas) {
  const std::string text =
      "Package: noversion\nStatus: install ok installed\n\n"
      "Package: badversion\nStatus: install ok installed\nVersion: 1:5.#\n\n"
      "Status: install ok installed\nVersion: 1.0\n\n"
      "Package: ok\nStatus: install ok installed\nVersion: 1.0\n";
  auto parsed = parse_dpkg_status(text, "var/lib/dpkg/status", DpkgDatabase::kStatus);
  ASSERT_EQ(parsed.packages.size(), 1u);
  ASSERT_EQ(parsed.skipped.size(), 3u);
  EXPECT_EQ(parsed.skipped[0], "var/lib/dpkg/status:1: package noversion has no Version");
  EXPECT_NE(parsed.skipped[1].find("invalid version '1:5.#'"), std::string::npos);
  EXPECT_NE(parsed.skipped[2].find(":8: stanza without a Package"), std::string::npos);
}

TEST(DpkgStatus, StatusDStanzasNeedNoStatusField) {
  auto parsed = parse_dpkg_status("Package: libsqlite3-0\nSource: sqlite3\nVersion: 3.34.1-3\n",
                                  "var/lib/dpkg/status.d/libsqlite3-0", DpkgDatabase::kStatusD);
  ASSERT_EQ(parsed.packages.size(), 1u);
  EXPECT_EQ(parsed.packages[0].source_name, "sqlite3");
}

TEST(DpkgVersion, Validity) {
  for (const char* ok : {"1.0", "1:2.3-4", "2.3~rc1+dfsg-1ubuntu0.1", "0:1.0", "7.6.q-31"}) {
    EXPECT_TRUE(is_valid_dpkg_version(ok)) << ok;
  }
  for (const char* bad : {"", "a1.0", "1:", "x:1.0", "1.0-", "1.0 2", "1:5.#"}) {
    EXPECT_FALSE(is_valid_dpkg_version(bad)) << bad;
  }
}

// Every status file in shared/data with a dpkg-query listing: the installed rows must match.
TEST(DpkgStatusConformance, MatchesDpkgQuery) {
  STRATA_REQUIRE_SHARED_DATA();
  namespace fs = std::filesystem;
  const std::string base = test::shared_data_dir() + "/fixtures/os/dpkg";
  int files = 0;
  for (const auto& e : fs::recursive_directory_iterator(base)) {
    const std::string name = e.path().filename().string();
    if (!name.ends_with("expected.dpkg-query.tsv")) continue;
    fs::path status;
    if (name == "expected.dpkg-query.tsv") {
      status = e.path().parent_path() / "var/lib/dpkg/status";
    } else {
      const std::string stem = name.substr(0, name.size() - std::string(".expected.dpkg-query.tsv").size());
      status = e.path().parent_path() / stem;
      if (!fs::exists(status)) status = e.path().parent_path() / (stem + ".status");
    }
    if (!fs::is_regular_file(status)) continue;
    SCOPED_TRACE(status.string());
    std::set<std::string> want;
    for (const auto& row : test::read_tsv(e.path().string())) {
      if (row.size() < 6 || row[5].size() < 2 || row[5][1] != 'i') continue;
      const std::string pkg = row[0].substr(0, row[0].find(':'));
      want.insert(pkg + "|" + row[1] + "|" + row[2] + "|" + row[3] + "|" + row[4]);
    }
    std::set<std::string> got;
    for (const auto& p : parse_dpkg_status(test::read_file(status.string()), "status",
                                           DpkgDatabase::kStatus)
                             .packages) {
      got.insert(p.name + "|" + p.version + "|" + p.source_name + "|" + p.source_version + "|" + p.arch);
    }
    // dpkg-query refuses some files whole (an empty Package field, a vcpkg database) and lists
    // nothing; a scanner reads what it can, so only files dpkg-query read are compared.
    if (want.empty()) continue;
    EXPECT_EQ(got, want);
    ++files;
  }
  EXPECT_GE(files, 14);
}

TEST(DpkgStatusConformance, DistrolessStatusD) {
  STRATA_REQUIRE_SHARED_DATA();
  const std::string path =
      test::shared_data_dir() + "/fixtures/os/dpkg/syft-distroless/var/lib/dpkg/status.d/libsqlite3-0";
  auto parsed = parse_dpkg_status(test::read_file(path), "status.d/libsqlite3-0", DpkgDatabase::kStatusD);
  ASSERT_EQ(parsed.packages.size(), 1u);
  EXPECT_EQ(parsed.packages[0].version, "3.34.1-3");
  EXPECT_EQ(parsed.packages[0].source_name, "sqlite3");
  EXPECT_EQ(parsed.packages[0].arch, "arm64");
}

}  // namespace
}  // namespace strata::worker
