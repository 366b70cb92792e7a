#include "worker/parser/rpmdb.h"

#include <algorithm>
#include <gtest/gtest.h>

#include <set>

#include "common/bytes.h"
#include "tests/support/shared_data.h"

namespace strata::worker {
namespace {

TEST(Rpmdb, UnknownFormatIsAnError) {
  auto parsed = parse_rpmdb(as_bytes("definitely not an rpm database"), "var/lib/rpm/Packages");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().message(), "var/lib/rpm/Packages: not an rpm database in a known format");
}

TEST(Rpmdb, TruncatedFormatsFailCleanly) {
  std::string ndb = "RpmP";
  ndb.append(28, '\0');
  EXPECT_FALSE(parse_rpmdb(as_bytes(ndb), "Packages.db"));
  std::string bdb(600, '\0');
  bdb[12] = 0x61;
  bdb[13] = 0x15;
  bdb[14] = 0x06;
  EXPECT_FALSE(parse_rpmdb(as_bytes(bdb), "Packages"));  // page size 0
  EXPECT_FALSE(parse_rpmdb(as_bytes(std::string("SQLite format 3\0garbage", 23)), "rpmdb.sqlite"));
}

TEST(RpmHeader, RejectsGarbage) {
  EXPECT_FALSE(parse_rpm_header(as_bytes(std::string(64, '\x7f'))));
  EXPECT_FALSE(parse_rpm_header(as_bytes("abc")));
}

struct RpmCase {
  std::string dir, db, expected;
  std::size_t count;
};

// The three database formats against `rpm -qa` (or go-rpmdb's assertions for NDB).
TEST(RpmdbConformance, AllThreeFormats) {
  STRATA_REQUIRE_SHARED_DATA();
  const std::string base = test::shared_data_dir() + "/fixtures/os/rpm/";
  for (const RpmCase& c : std::vector<RpmCase>{
           {"sqlite-cbl-mariner-2.0", "rpmdb.sqlite", "expected.rpm-qa.tsv", 129},
           {"ndb-sle15-bci", "Packages.db", "expected.go-rpmdb-test.tsv", 35},
           {"bdb-libuuid-centos", "Packages", "expected.rpm-qa.tsv", 1},
           {"bdb-syft-redhat", "Packages", "expected.rpm-qa.tsv", 1},
           {"bdb-scalibr-epoch", "Packages", "expected.rpm-qa.tsv", 1}}) {
    SCOPED_TRACE(c.dir);
    std::set<std::string> want;
    for (const auto& r : test::read_tsv(base + c.dir + "/" + c.expected)) {
      const std::string evr = (r[1].empty() ? "" : r[1] + ":") + r[2] + "-" + r[3];
      want.insert(r[0] + "|" + evr + "|" + r[4] + "|" + r[5]);
    }
    const std::string bytes = test::read_file(base + c.dir + "/" + c.db);
    auto parsed = parse_rpmdb(as_bytes(bytes), c.db);
    ASSERT_TRUE(parsed) << parsed.error().message();
    EXPECT_TRUE(parsed->skipped.empty());
    std::set<std::string> got;
    for (const auto& p : parsed->packages) {
      const std::string epoch = p.version.find(':') == std::string::npos
                                    ? ""
                                    : p.version.substr(0, p.version.find(':') + 1);
      const std::string source_version = p.source_version.substr(epoch.size());
      got.insert(p.name + "|" + p.version + "|" + p.arch + "|" + p.source_name + "-" + source_version +
                 ".src.rpm");
    }
    EXPECT_EQ(got, want);
    EXPECT_EQ(parsed->packages.size(), c.count);
  }
}

}  // namespace
}  // namespace strata::worker

namespace strata::worker {
namespace {

// The file lists in the headers (what marks a language package an OS package installed):
// CBL-Mariner's bash owns /bin/bash, and nothing is read unless asked for.
TEST(RpmdbConformance, FileListsOnRequest) {
  STRATA_REQUIRE_SHARED_DATA();
  const std::string bytes = test::read_file(test::shared_data_dir() + "/fixtures/os/rpm/sqlite-cbl-mariner-2.0/rpmdb.sqlite");
  auto plain = parse_rpmdb(as_bytes(bytes), "var/lib/rpm/rpmdb.sqlite");
  ASSERT_TRUE(plain);
  EXPECT_TRUE(plain->owned_files.empty());
  auto with_files = parse_rpmdb(as_bytes(bytes), "var/lib/rpm/rpmdb.sqlite",
                                [](std::string_view path) { return path.starts_with("bin/ba"); });
  ASSERT_TRUE(with_files);
  const std::pair<std::string, std::string> bash{"bin/bash", "bash"};
  EXPECT_NE(std::find(with_files->owned_files.begin(), with_files->owned_files.end(), bash), with_files->owned_files.end());
  for (const auto& [path, owner] : with_files->owned_files) EXPECT_TRUE(path.starts_with("bin/ba")) << path;
}

}  // namespace
}  // namespace strata::worker
