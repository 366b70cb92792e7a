#include "worker/parser/apk_installed.h"

#include <gtest/gtest.h>

#include <set>

#include "tests/support/shared_data.h"

namespace strata::worker {
namespace {

TEST(ApkInstalled, ReadsBlocks) {
  const std::string text =
      "C:Q1abc=\nP:musl\nV:1.2.4-r2\nA:x86_64\no:musl\nL:MIT\n\n"
      "P:libcrypto3\nV:3.1.4-r1\nA:x86_64\no:openssl\nF:lib\nR:libcrypto.so.3\n\n";
  auto parsed = parse_apk_installed(text, "lib/apk/db/installed");
  ASSERT_EQ(parsed.packages.size(), 2u);
  EXPECT_EQ(parsed.packages[1].name, "libcrypto3");
  EXPECT_EQ(parsed.packages[1].source_name, "openssl");
  EXPECT_EQ(parsed.packages[1].arch, "x86_64");
}

TEST(ApkInstalled, SkipsBlockWithoutVersion) {
  auto parsed = parse_apk_installed("P:broken\nA:x86_64\n\nP:ok\nV:1-r0\n", "installed");
  ASSERT_EQ(parsed.packages.size(), 1u);
  ASSERT_EQ(parsed.skipped.size(), 1u);
  EXPECT_EQ(parsed.skipped[0], "installed:1: package broken has no V: (version) line");
}

TEST(ApkInstalledConformance, TrivyAndScalibrExpectations) {
  STRATA_REQUIRE_SHARED_DATA();
  const std::string base = test::shared_data_dir() + "/fixtures/os/apk/";
  {
    std::set<std::string> want, got;
    for (const auto& r : test::read_tsv(base + "trivy/expected.trivy-test.tsv")) {
      want.insert(r[0] + "|" + r[1] + "|" + r[2] + "|" + r[3]);
    }
    for (const auto& p : parse_apk_installed(test::read_file(base + "trivy/installed"), "x").packages) {
      got.insert(p.name + "|" + p.version + "|" + p.source_name + "|" + p.source_version);
    }
    EXPECT_EQ(got, want);
    EXPECT_EQ(want.size(), 15u);
  }
  {
    std::set<std::string> want, got;
    for (const auto& r : test::read_tsv(base + "scalibr/installed.expected.scalibr-test.tsv")) {
      want.insert(r[0] + "|" + r[1] + "|" + r[2] + "|" + r[3]);
    }
    for (const auto& p : parse_apk_installed(test::read_file(base + "scalibr/installed"), "x").packages) {
      got.insert(p.name + "|" + p.source_name + "|" + p.version + "|" + p.arch);
    }
    EXPECT_EQ(got, want);
  }
}

}  // namespace
}  // namespace strata::worker
