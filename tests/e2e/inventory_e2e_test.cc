// `strata inventory` as a user runs it: the real binary, images the test builds from this
// machine's own files, exit codes and output checked.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "tests/support/image_builder.h"
#include "tests/support/process.h"
#include "tests/support/shared_data.h"

namespace strata {
namespace {

namespace fs = std::filesystem;

using test::CommandResult;

// Standard error is kept only when asked: the JSON tests parse standard output alone.
CommandResult run(const std::string& command, bool with_stderr = false) {
  return test::run_command(command, with_stderr);
}

std::string strata(const std::string& args) { return std::string(STRATA_BINARY) + " " + args; }

class InventoryE2E : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test::temp_dir(); }
  void TearDown() override { fs::remove_all(dir_); }
  std::string dir_;
};

// Every package dpkg-query lists as installed on this machine appears with the same version.
TEST_F(InventoryE2E, ThisMachinesDpkgDatabase) {
  if (!fs::exists("/var/lib/dpkg/status")) GTEST_SKIP() << "this machine has no dpkg database";
  test::TestImage image;
  image.layers.push_back(test::make_layer({{"etc/os-release", test::read_file("/etc/os-release")},
                                           {"var/lib/dpkg/status", test::read_file("/var/lib/dpkg/status")}},
                                          Compression::kGzip));
  test::write_oci_layout(dir_ + "/img", {image});
  const CommandResult r = run(strata("inventory oci:" + dir_ + "/img --format json"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["schema"], "strata.inventory/v1");
  std::set<std::string> got;
  for (const auto& p : doc["packages"]) {
    got.insert(p["name"].get<std::string>() + "=" + p["version"].get<std::string>());
    EXPECT_EQ(p["layer"], image.layers[0].diff_id);
    EXPECT_TRUE(p["purl"].get<std::string>().starts_with("pkg:deb/"));
  }
  const CommandResult q = run("dpkg-query -W -f '${Package}=${Version} ${db:Status-Abbrev}\\n'");
  ASSERT_EQ(q.exit_code, 0);
  std::set<std::string> want;
  std::istringstream lines(q.out);
  std::string line;
  while (std::getline(lines, line)) {
    const auto space = line.rfind(' ', line.size() - 2);
    const std::string abbrev = line.substr(space + 1);
    if (abbrev.size() >= 2 && abbrev[1] == 'i') want.insert(line.substr(0, space));
  }
  ASSERT_GT(want.size(), 50u);
  EXPECT_EQ(got, want);
  EXPECT_FALSE(doc["distro"].is_null());
}

TEST_F(InventoryE2E, ExitCodesAndOneLineErrors) {
  struct Case {
    std::string args;
    std::string message;
  };
  fs::create_directories(dir_ + "/plain");
  for (const Case& c : std::vector<Case>{
           {"inventory oci:" + dir_ + "/missing", "no such directory"},
           {"inventory oci:" + dir_ + "/plain", "is not an OCI image layout"},
           {"inventory ftp:" + dir_, "unknown transport 'ftp'"},
           {"inventory docker-archive:" + dir_ + "/none.tar", "none.tar"},
           {"inventory rootfs:" + dir_ + "/missing", "not a directory"}}) {
    SCOPED_TRACE(c.args);
    const CommandResult r = run(strata(c.args), true);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.out.find(c.message), std::string::npos) << r.out;
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
  }
}

TEST_F(InventoryE2E, DigestMismatchExitsTwo) {
  test::TestImage image;
  image.layers.push_back(test::make_layer({{"etc/os-release", "ID=debian\nVERSION_ID=12\n"}}));
  test::write_oci_layout(dir_ + "/img", {image});
  const std::string blob = dir_ + "/img/blobs/sha256/" + test::sha256_digest(image.layers[0].blob).substr(7);
  std::ofstream(blob, std::ios::binary) << test::make_layer({{"etc/os-release", "ID=alpine\n"}}).blob;
  const CommandResult r = run(strata("inventory oci:" + dir_ + "/img"), true);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("digest mismatch"), std::string::npos) << r.out;
}

TEST_F(InventoryE2E, TableOutputFileAndAllPlatforms) {
  test::TestImage amd;
  amd.layers.push_back(test::make_layer({{"etc/os-release", "ID=alpine\nVERSION_ID=3.19.1\n"},
                                         {"lib/apk/db/installed", "P:musl\nV:1.2.4-r2\nA:x86_64\n\n"}}));
  test::TestImage arm = amd;
  arm.arch = "arm64";
  test::write_oci_layout(dir_ + "/img", {amd, arm}, true);
  const CommandResult table = run(strata("inventory oci:" + dir_ + "/img --format table"));
  ASSERT_EQ(table.exit_code, 0);
  EXPECT_NE(table.out.find("musl"), std::string::npos);
  EXPECT_NE(table.out.find("Alpine:v3.19"), std::string::npos);

  ASSERT_EQ(run(strata("inventory oci:" + dir_ + "/img --platform all -o " + dir_ + "/out.json")).exit_code, 0);
  const auto all = nlohmann::json::parse(test::read_file(dir_ + "/out.json"));
  ASSERT_TRUE(all.is_array());
  EXPECT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1]["image"]["arch"], "arm64");
  EXPECT_EQ(all[0]["packages"][0]["purl"], "pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=alpine-3.19.1");
}

}  // namespace
}  // namespace strata
