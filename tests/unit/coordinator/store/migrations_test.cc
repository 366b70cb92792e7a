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

// What migration 024 gives the fleet queries of images stored before it: each finding's ecosystem
// from its package, the refs of the scans that stored each image, the aliases its document and
// its events named; and deleting an image takes its refs with it.
TEST(Migrations, FindingsStoredBeforeFleetQueriesGetTheirEcosystemRefsAndAliases) {
  auto db = PgConnection::connect(test::fresh_database_url());
  ASSERT_TRUE(db) << db.error().message();
  const auto& all = builtin_migrations();
  const auto first_new = std::find_if(all.begin(), all.end(), [](const Migration& m) { return m.name >= "024"; });
  ASSERT_NE(first_new, all.end());
  ASSERT_TRUE(apply_migrations(**db, std::vector<Migration>(all.begin(), first_new)));
  ASSERT_TRUE((*db)->exec("INSERT INTO tenants (id, name) VALUES (7, 'a')"));
  ASSERT_TRUE((*db)->exec(
      "INSERT INTO images (tenant_id, digest, ref, config_digest, os, arch, db_generation, document) VALUES "
      "(7, 'sha256:one', 'r', 'c', 'linux', 'amd64', 1, $1)",
      {R"({"schema":"strata.report-document/v1","result":{"kept":[{"id":"CVE-1","aliases":["DSA-1"]}]}})"}));
  ASSERT_TRUE((*db)->exec("INSERT INTO packages (tenant_id, image_digest, ecosystem, name, version, source_name, "
                          "source_version, arch, path, layer, purl) VALUES (7, 'sha256:one', 'deb', 'zlib', '1.2', "
                          "'zlib', '1.2', 'amd64', 'var/lib/dpkg/status', 'sha256:l', 'pkg:deb/debian/zlib@1.2')"));
  ASSERT_TRUE((*db)->exec("INSERT INTO findings (tenant_id, image_id, vuln_id, package_name, package_version, "
                          "package_path, installed_version, severity, db_generation, package_arch) SELECT 7, id, "
                          "'CVE-1', 'zlib', '1.2', 'var/lib/dpkg/status', '1.2', 'HIGH', 1, 'amd64' FROM images"));
  ASSERT_TRUE((*db)->exec("INSERT INTO scans (tenant_id, id, priority, state) VALUES (7, 's', 'bulk', 'done')"));
  ASSERT_TRUE((*db)->exec("INSERT INTO scan_images (tenant_id, scan_id, position, ref, state, image_digest) VALUES "
                          "(7, 's', 0, 'registry:5000/app:1@sha256:one', 'done', 'sha256:one'), "
                          "(7, 's', 1, 'registry:5000/app', 'done', 'sha256:one'), "
                          "(7, 's', 2, 'registry:5000/app:2', 'failed', 'sha256:one')"));
  ASSERT_TRUE((*db)->exec("INSERT INTO finding_events (tenant_id, kind, generation, image_digest, vuln_id, aliases, "
                          "package_name, package_version, package_arch, package_path, installed_version, severity) "
                          "VALUES (7, 'finding.new', 2, 'sha256:one', 'CVE-2', '[\"GHSA-2\"]', 'zlib', '1.2', 'amd64', "
                          "'var/lib/dpkg/status', '1.2', 'LOW')"));
  auto applied = apply_migrations(**db, all);
  ASSERT_TRUE(applied) << applied.error().message();
  EXPECT_EQ((*db)->exec("SELECT ecosystem FROM findings")->get(0, 0), "deb");
  auto refs = (*db)->exec("SELECT repository, tag FROM image_refs ORDER BY 1, 2");
  ASSERT_EQ(refs->rows(), 2);
  EXPECT_EQ(std::string(refs->get(0, 0)) + " " + std::string(refs->get(0, 1)), "registry:5000/app ");
  EXPECT_EQ(std::string(refs->get(1, 0)) + " " + std::string(refs->get(1, 1)), "registry:5000/app 1");
  auto aliases = (*db)->exec("SELECT vuln_id || '=' || alias FROM finding_aliases ORDER BY 1");
  ASSERT_EQ(aliases->rows(), 2);
  EXPECT_EQ(aliases->get(0, 0), "CVE-1=DSA-1");
  EXPECT_EQ(aliases->get(1, 0), "CVE-2=GHSA-2");
  ASSERT_TRUE((*db)->exec("DELETE FROM images"));
  EXPECT_EQ((*db)->exec("SELECT count(*) FROM image_refs")->integer(0, 0), 0);
}

}  // namespace
}  // namespace strata::coordinator::test_store
