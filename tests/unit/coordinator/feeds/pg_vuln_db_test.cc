// The PostgreSQL feed store against the fixture's server: an import is one generation that names
// the (ecosystem, package) pairs it touched; the same feed again writes nothing; and matching
// through it finds what matching through the SQLite file finds.
#include "coordinator/feeds/pg_vuln_db.h"

#include <filesystem>

#include "common/vulndb/osv_json.h"
#include "common/vulndb/sqlite/sqlite_vuln_db.h"
#include "tests/support/image_builder.h"
#include "tests/unit/coordinator/store/store_fixture.h"

namespace strata::coordinator::test_store {
namespace {

using Pair = std::pair<std::string, std::string>;

Vulnerability osv(const std::string& id, const std::string& ecosystem, const std::string& package,
                  const std::string& fixed, bool withdrawn = false) {
  const std::string json = R"({"id":")" + id + R"(",)" + (withdrawn ? R"("withdrawn":"2026-12-01T00:00:00Z",)" : "") +
                           R"("affected":[{"package":{"ecosystem":")" + ecosystem + R"(","name":")" + package +
                           R"("},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":")" + fixed +
                           R"("}]}]}]})";
  auto v = parse_osv(json);
  EXPECT_TRUE(v) << json;
  return *v;
}

FeedBatch batch(std::vector<Vulnerability> records, std::vector<std::string> skipped = {}) {
  return {std::move(records), std::move(skipped)};
}

class FeedStore : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    feeds_ = std::make_unique<PgVulnDb>(*pool_);
  }
  FeedImport import(std::vector<Vulnerability> records, std::vector<std::string> skipped = {}) {
    auto imported = feeds_->import({{"test", batch(std::move(records), std::move(skipped))}});
    EXPECT_TRUE(imported) << imported.error().message();
    return imported.value_or(FeedImport{});
  }
  std::vector<Pair> changes(std::uint64_t generation) { return feeds_->changes(generation).value(); }
  std::unique_ptr<PgVulnDb> feeds_;
};

TEST_F(FeedStore, AnImportIsAGenerationNamingThePairsItTouched) {
  const auto first = import({osv("PYSEC-1", "PyPI", "Requests", "2.0"), osv("GHSA-1", "npm", "lodash", "4.17.21")},
                            {"feed.json line 3: no id; skipped"});
  EXPECT_EQ(first.generation, 1u);
  EXPECT_EQ(first.records, 2u);
  EXPECT_EQ(first.skipped, std::vector<std::string>{"feed.json line 3: no id; skipped"});
  EXPECT_EQ(changes(1), (std::vector<Pair>{{"PyPI", "requests"}, {"npm", "lodash"}}));
  EXPECT_EQ(feeds_->stamp()->generation, 1u);
  const auto found = feeds_->candidates("PyPI", "requests");
  ASSERT_TRUE(found);
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].id, "PYSEC-1");
  EXPECT_EQ(db_->exec("SELECT skipped FROM feed_generations")->integer(0, 0), 1);
}

TEST_F(FeedStore, TheSameFeedAgainWritesNothingAndMakesNoGeneration) {
  import({osv("PYSEC-1", "PyPI", "requests", "2.0"), osv("GHSA-1", "npm", "lodash", "4.17.21")});
  const auto again = import({osv("PYSEC-1", "PyPI", "requests", "2.0"), osv("GHSA-1", "npm", "lodash", "4.17.21")});
  EXPECT_EQ(again.generation, 0u);
  EXPECT_EQ(again.records, 0u);
  EXPECT_EQ(again.unchanged, 2u);
  EXPECT_TRUE(again.changed.empty());
  EXPECT_EQ(feeds_->stamp()->generation, 1u);
  EXPECT_EQ(db_->exec("SELECT count(*) FROM feed_generations")->integer(0, 0), 1);
}

TEST_F(FeedStore, AChangedMovedOrWithdrawnRecordNamesItsOldAndNewPackages) {
  import({osv("PYSEC-1", "PyPI", "requests", "2.0"), osv("GHSA-1", "npm", "lodash", "4.17.21"),
          osv("GHSA-2", "npm", "minimist", "1.2.6")});
  const auto fixed = import({osv("PYSEC-1", "PyPI", "requests", "2.1")});  // a new fix version
  EXPECT_EQ(fixed.generation, 2u);
  EXPECT_EQ(changes(2), (std::vector<Pair>{{"PyPI", "requests"}}));
  const auto moved = import({osv("GHSA-1", "npm", "lodash-es", "4.17.21")});  // now names another package
  EXPECT_EQ(changes(3), (std::vector<Pair>{{"npm", "lodash"}, {"npm", "lodash-es"}}));
  EXPECT_TRUE(feeds_->candidates("npm", "lodash")->empty());
  EXPECT_EQ(feeds_->candidates("npm", "lodash-es")->size(), 1u);
  const auto withdrawn = import({osv("GHSA-2", "npm", "minimist", "1.2.6", /*withdrawn=*/true)});
  EXPECT_EQ(changes(withdrawn.generation), (std::vector<Pair>{{"npm", "minimist"}}));
  ASSERT_EQ(feeds_->candidates("npm", "minimist")->size(), 1u);
  EXPECT_TRUE(feeds_->candidates("npm", "minimist")->front().withdrawn);
}

TEST_F(FeedStore, MatchingThroughItFindsWhatTheSqliteFileFinds) {
  const std::vector<Vulnerability> records = {osv("PYSEC-1", "PyPI", "requests", "2.0"),
                                              osv("GHSA-1", "npm", "lodash", "4.17.21"),
                                              osv("GHSA-2", "npm", "minimist", "1.2.6", true)};
  import(records);
  const std::string file = test::temp_dir() + "/vulndb.sqlite";
  auto sqlite = SqliteVulnDb::open(file, /*create=*/true);
  ASSERT_TRUE(sqlite);
  ASSERT_TRUE((*sqlite)->import({{"test", batch(records)}}));
  ImageView view;
  view.packages = {{{Ecosystem::kPypi, "requests", "1.9", "requests", "1.9", "", "app/METADATA"}, "sha256:l"},
                   {{Ecosystem::kNpm, "lodash", "4.17.20", "lodash", "4.17.20", "", "app/package-lock.json"}, "sha256:l"},
                   {{Ecosystem::kNpm, "minimist", "1.2.5", "minimist", "1.2.5", "", "app/package-lock.json"}, "sha256:l"}};
  const MatchReport via_pg = match_image(view, *feeds_);
  const MatchReport via_sqlite = match_image(view, **sqlite);
  ASSERT_EQ(via_pg.findings.size(), 2u);  // the withdrawn record finds nothing
  ASSERT_EQ(via_pg.findings.size(), via_sqlite.findings.size());
  for (std::size_t i = 0; i < via_pg.findings.size(); ++i) {
    EXPECT_EQ(via_pg.findings[i].id, via_sqlite.findings[i].id);
    EXPECT_EQ(via_pg.findings[i].fixed_version, via_sqlite.findings[i].fixed_version);
  }
  EXPECT_EQ(via_pg.warnings, via_sqlite.warnings);
  std::filesystem::remove_all(std::filesystem::path(file).parent_path());
}

}  // namespace
}  // namespace strata::coordinator::test_store
