// The operator's `feeds import` against the fixture's PostgreSQL, on files as `strata db import`
// reads them: one generation, none for the same files again, and a malformed record skipped,
// counted and named while the rest of the feed is imported.
#include "coordinator/admin/commands.h"

#include <filesystem>
#include <fstream>

#include "tests/support/image_builder.h"
#include "tests/unit/coordinator/store/store_fixture.h"

namespace strata::coordinator::test_store {
namespace {

void write(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path) << text;
}

std::string record(const std::string& id, const std::string& package, const std::string& fixed) {
  return R"({"id":")" + id + R"(","affected":[{"package":{"ecosystem":"PyPI","name":")" + package +
         R"("},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":")" + fixed + R"("}]}]}]})";
}

class FeedsImport : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    dir_ = test::temp_dir();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  // Runs the command; its exit status and what it printed.
  std::pair<int, std::string> run() {
    testing::internal::CaptureStdout();
    const int rc = admin::feeds_import(url_, {dir_ + "/feeds"}, 20);
    return {rc, testing::internal::GetCapturedStdout()};
  }
  std::int64_t generations() { return db_->exec("SELECT count(*) FROM feed_generations")->integer(0, 0); }
  std::string dir_;
};

TEST_F(FeedsImport, FilesBecomeOneGenerationAndTheSameFilesAgainNone) {
  write(dir_ + "/feeds/PYSEC-1.json", record("PYSEC-1", "requests", "2.0"));
  write(dir_ + "/feeds/PYSEC-2.json", record("PYSEC-2", "flask", "1.0"));
  const auto [rc, out] = run();
  EXPECT_EQ(rc, 0);
  EXPECT_NE(out.find("generation 1: 2 records added or changed, 0 unchanged, 2 packages to rescan"), std::string::npos)
      << out;
  const auto [rc2, out2] = run();
  EXPECT_EQ(rc2, 0);
  EXPECT_NE(out2.find("nothing changed (2 records as stored): no new generation"), std::string::npos) << out2;
  EXPECT_EQ(generations(), 1);
  write(dir_ + "/feeds/PYSEC-2.json", record("PYSEC-2", "flask", "1.1"));
  const auto [rc3, out3] = run();
  EXPECT_NE(out3.find("generation 2: 1 records added or changed, 1 unchanged, 1 packages to rescan"), std::string::npos)
      << out3;
}

TEST_F(FeedsImport, AMalformedRecordIsSkippedCountedAndNamedTheRestImported) {
  write(dir_ + "/feeds/PYSEC-1.json", record("PYSEC-1", "requests", "2.0"));
  write(dir_ + "/feeds/broken.json", R"({"id": "PYSEC-9", "affected": )");
  const auto [rc, out] = run();
  EXPECT_EQ(rc, 0);
  EXPECT_NE(out.find("generation 1: 1 records added or changed"), std::string::npos) << out;
  EXPECT_NE(out.find("skipped 1:"), std::string::npos) << out;
  EXPECT_NE(out.find("broken.json"), std::string::npos) << out;
  EXPECT_EQ(db_->exec("SELECT skipped FROM feed_generations")->integer(0, 0), 1);
}

}  // namespace
}  // namespace strata::coordinator::test_store
