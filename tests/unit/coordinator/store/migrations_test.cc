// Migrations: applied once however often they run, recorded, and a broken one rolls back whole.
#include <algorithm>

#include "tests/unit/coordinator/store/store_fixture.h"

namespace strata::coordinator::test_store {
namespace {

TEST_F(StoreTest, MigrationsRunOnceAndAreRecorded) {
  auto again = apply_migrations(*db_, builtin_migrations());
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->empty());
  auto recorded = db_->exec("SELECT name FROM schema_migrations ORDER BY name");
  ASSERT_TRUE(recorded);
  EXPECT_EQ(recorded->rows(), static_cast<int>(builtin_migrations().size()));
  EXPECT_EQ(recorded->get(0, 0), "001_init");
  // A broken migration rolls back whole and names itself.
  auto broken = apply_migrations(*db_, {{"999_broken", "CREATE TABLE half (x INT); SELECT nonsense FROM nowhere;"}});
  ASSERT_FALSE(broken);
  EXPECT_NE(broken.error().message().find("999_broken"), std::string::npos);
  EXPECT_EQ(db_->exec("SELECT 1 FROM pg_tables WHERE tablename = 'half'")->rows(), 0);
}

// Findings stored before migrations 022 and 023 (keyed by the image's digest, with aliases and
// the match key in each row) come through them named by their image's id, nothing else changed,
// and deleting an image still takes its findings.
TEST(Migrations, FindingsStoredByDigestAreKeptNamedByTheirImagesId) {
  auto db = PgConnection::connect(test::fresh_database_url());
  ASSERT_TRUE(db) << db.error().message();
  const auto& all = builtin_migrations();
  const auto first_new = std::find_if(all.begin(), all.end(), [](const Migration& m) { return m.name >= "022"; });
  ASSERT_NE(first_new, all.end());
  ASSERT_TRUE(apply_migrations(**db, std::vector<Migration>(all.begin(), first_new)));
  ASSERT_TRUE((*db)->exec("INSERT INTO tenants (id, name) VALUES (7, 'a')"));
  for (const char* digest : {"sha256:one", "sha256:two"}) {
    ASSERT_TRUE((*db)->exec("INSERT INTO images (tenant_id, digest, ref, config_digest, os, arch, db_generation) "
                            "VALUES (7, $1, 'r', 'c', 'linux', 'amd64', 1)",
                            {digest}));
    ASSERT_TRUE((*db)->exec("INSERT INTO findings (tenant_id, image_digest, vuln_id, package_name, package_version, "
                            "package_path, installed_version, fixed_version, severity, db_generation, package_arch, "
                            "match_ecosystem, match_package, aliases, resolved_at) VALUES "
                            "(7, $1, 'CVE-1', 'zlib', '1.2', '', '1.2', '1.3', 'HIGH', 1, 'amd64', 'debian:12', 'zlib', "
                            "'[\"DSA-1\"]', NULL), (7, $1, 'CVE-2', 'zlib', '1.2', '', '1.2', NULL, 'LOW', 1, 'amd64', "
                            "'debian:12', 'zlib', '[]', '2026-01-01')",
                            {digest}));
  }
  auto applied = apply_migrations(**db, all);
  ASSERT_TRUE(applied) << applied.error().message();
  auto rows = (*db)->exec("SELECT i.digest, f.vuln_id, f.package_name, f.package_arch, f.fixed_version, f.severity, "
                          "f.resolved_at IS NOT NULL FROM findings f JOIN images i ON i.id = f.image_id AND "
                          "i.tenant_id = f.tenant_id ORDER BY 1, 2");
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->rows(), 4);
  EXPECT_EQ(rows->get(0, 0), "sha256:one");
  EXPECT_EQ(rows->get(0, 1), "CVE-1");
  EXPECT_EQ(rows->get(0, 3), "amd64");
  EXPECT_EQ(rows->get(0, 4), "1.3");
  EXPECT_EQ(rows->get(0, 6), "f");
  EXPECT_EQ(rows->get(1, 5), "LOW");
  EXPECT_EQ(rows->get(1, 6), "t");
  EXPECT_EQ(rows->get(3, 0), "sha256:two");
  ASSERT_TRUE((*db)->exec("DELETE FROM images WHERE digest = 'sha256:one'"));
  EXPECT_EQ((*db)->exec("SELECT count(*) FROM findings")->integer(0, 0), 2);
}

}  // namespace
}  // namespace strata::coordinator::test_store
