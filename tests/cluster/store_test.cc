// The PostgreSQL store against a real server: migrations applied once however often they run,
// keys stored hashed, every read scoped by tenant, findings first seen / last seen / resolved.
#include "coordinator/store/store.h"

#include <gtest/gtest.h>

#include "coordinator/store/migrations.h"
#include "coordinator/tenancy/tenants.h"
#include "tests/support/servers.h"

namespace strata::coordinator {
namespace {

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = test::fresh_database_url();
    auto db = PgConnection::connect(url_);
    ASSERT_TRUE(db) << db.error().message();
    db_ = std::move(*db);
    auto applied = apply_migrations(*db_, builtin_migrations());
    ASSERT_TRUE(applied) << applied.error().message();
    EXPECT_EQ(applied->size(), builtin_migrations().size());
    pool_ = std::make_unique<PgPool>(url_, 2);
    store_ = std::make_unique<Store>(*pool_);
    tenants_ = std::make_unique<Tenants>(*pool_);
  }
  std::string url_;
  std::unique_ptr<PgConnection> db_;
  std::unique_ptr<PgPool> pool_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Tenants> tenants_;
};

Finding finding(const std::string& id, const std::string& package) {
  Finding f;
  f.id = id;
  f.package.package = {Ecosystem::kDeb, package, "1.0-1", package, "1.0-1", "amd64", "var/lib/dpkg/status"};
  f.package.layer = "sha256:l";
  f.installed_version = "1.0-1";
  f.severity = SeverityLevel::kHigh;
  return f;
}

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

TEST_F(StoreTest, KeysAreHashedAndTenantsSeeOnlyTheirOwnRows) {
  auto a = tenants_->create("a");
  auto b = tenants_->create("b");
  ASSERT_TRUE(a && b);
  EXPECT_FALSE(tenants_->create("a"));  // names are unique
  EXPECT_EQ(tenants_->authenticate(a->key).value()->tenant, a->id);
  EXPECT_FALSE(tenants_->authenticate("stk_wrong").value());
  auto stored = db_->exec("SELECT count(*) FROM api_keys WHERE position($1::bytea in key_sha256) > 0", {a->key});
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->integer(0, 0), 0);  // the key itself is nowhere

  auto scan = store_->create_scan(a->id, Priority::kInteractive, {"oci:/x:1", "oci:/x:2"});
  ASSERT_TRUE(scan);
  auto mine = store_->scan(a->id, *scan);
  ASSERT_TRUE(mine && *mine);
  EXPECT_EQ((*mine)->images.size(), 2u);
  EXPECT_EQ((*mine)->priority, Priority::kInteractive);
  EXPECT_FALSE(store_->scan(b->id, *scan).value());

  ScanReport report;
  report.inventory.digest = "sha256:img";
  report.inventory.ref = "oci:/x:1";
  StoredImage image{&report, "{\"report\":1}\n", "{\"inventory\":1}\n"};
  ASSERT_TRUE(store_->image_done(a->id, *scan, 0, image));
  EXPECT_EQ(store_->image_report(a->id, "sha256:img").value(), std::optional<std::string>("{\"report\":1}\n"));
  EXPECT_FALSE(store_->image_report(b->id, "sha256:img").value());
  EXPECT_FALSE(store_->image_inventory(b->id, "sha256:img").value());
  EXPECT_FALSE(*store_->finish_scan_if_complete(a->id, *scan));  // image 1 still queued
  ASSERT_TRUE(store_->image_failed(a->id, *scan, 1, "oci:/x:2: no such tag"));
  EXPECT_TRUE(*store_->finish_scan_if_complete(a->id, *scan));
  EXPECT_EQ((*store_->scan(a->id, *scan))->state, "done");
  EXPECT_TRUE(store_->unfinished_scans()->empty());
}

TEST_F(StoreTest, FindingsKeepFirstSeenAndResolveWhenGone) {
  auto t = tenants_->create("t");
  ASSERT_TRUE(t);
  ScanReport report;
  report.inventory.digest = "sha256:img";
  report.inventory.view.packages.push_back({{Ecosystem::kDeb, "openssl", "1.0-1", "openssl", "1.0-1", "amd64", "p"}, "sha256:l"});
  report.result.kept = {finding("CVE-1", "openssl"), finding("CVE-2", "curl")};
  auto scan1 = store_->create_scan(t->id, Priority::kBulk, {"oci:/x"});
  ASSERT_TRUE(store_->image_done(t->id, *scan1, 0, {&report, "{}", "{}"}));
  auto first = db_->exec("SELECT first_seen FROM findings WHERE vuln_id = 'CVE-1'");
  ASSERT_EQ(first->rows(), 1);
  const std::string first_seen(first->get(0, 0));

  report.result.kept = {finding("CVE-1", "openssl")};  // curl's CVE-2 fixed since
  auto scan2 = store_->create_scan(t->id, Priority::kBulk, {"oci:/x"});
  ASSERT_TRUE(store_->image_done(t->id, *scan2, 0, {&report, "{}", "{}"}));
  auto rows = db_->exec("SELECT vuln_id, first_seen, last_seen > first_seen, resolved_at IS NOT NULL FROM findings ORDER BY vuln_id");
  ASSERT_EQ(rows->rows(), 2);
  EXPECT_EQ(rows->get(0, 1), first_seen);  // CVE-1: first seen unchanged
  EXPECT_EQ(rows->get(0, 2), "t");          // and seen again
  EXPECT_EQ(rows->get(0, 3), "f");
  EXPECT_EQ(rows->get(1, 3), "t");          // CVE-2 resolved
  EXPECT_EQ(db_->exec("SELECT count(*) FROM packages WHERE tenant_id = $1", {std::to_string(t->id)})->integer(0, 0), 1);
}

// Issue 14, defect 11: libc6:amd64 and libc6:i386 at one version in one dpkg database made two
// equal finding keys, the upsert failed ("ON CONFLICT DO UPDATE command cannot affect row a
// second time") and a multi-arch Debian image could not be stored.
TEST_F(StoreTest, AMultiArchImageStoresOneFindingPerArchitecture) {
  auto t = tenants_->create("t");
  ASSERT_TRUE(t);
  ScanReport report;
  report.inventory.digest = "sha256:multiarch";
  Finding amd64 = finding("CVE-2023-4911", "libc6");
  Finding i386 = amd64;
  i386.package.package.arch = "i386";
  report.result.kept = {amd64, i386};
  auto scan = store_->create_scan(t->id, Priority::kBulk, {"oci:/x"});
  ASSERT_TRUE(scan);
  auto stored = store_->image_done(t->id, *scan, 0, {&report, "{}", "{}"});
  ASSERT_TRUE(stored) << stored.error().message();
  auto rows = db_->exec("SELECT package_arch FROM findings WHERE tenant_id = $1 ORDER BY package_arch",
                        {std::to_string(t->id)});
  ASSERT_EQ(rows->rows(), 2);
  EXPECT_EQ(rows->get(0, 0), "amd64");
  EXPECT_EQ(rows->get(1, 0), "i386");
}

TEST_F(StoreTest, JobEventsKeepTheLatestStatePerJobAndQuarantinesPersist) {
  ASSERT_TRUE(store_->record_jobs({{1, "sha256:a", "sha256:ab", "queued", 0, "", ""},
                                   {1, "sha256:a", "sha256:ab", "leased", 1, "w1", ""},
                                   {2, "sha256:b", "sha256:bb", "queued", 0, "", ""}}));
  ASSERT_TRUE(store_->record_jobs({{1, "sha256:a", "sha256:ab", "failed", 1, "w1", "digest mismatch"}}));
  auto rows = db_->exec("SELECT id, state, attempts, worker, last_error FROM jobs ORDER BY id");
  ASSERT_EQ(rows->rows(), 2);
  EXPECT_EQ(rows->get(0, 1), "failed");
  EXPECT_EQ(rows->get(0, 4), "digest mismatch");
  EXPECT_EQ(rows->get(1, 1), "queued");
  EXPECT_EQ(*store_->max_job_id(), 2u);
  ASSERT_TRUE(store_->quarantine_layer("sha256:a", "sha256:ab", 3, "digest mismatch"));
  auto q = store_->quarantined_layers(std::chrono::hours(24));
  ASSERT_TRUE(q);
  EXPECT_EQ(q->at("sha256:a"), "digest mismatch");
}

// Issue 14, defect 6: a statement that never ends must not hold a coordinator thread for ever.
TEST_F(StoreTest, ConnectionsHaveTimeoutsUnlessTheUrlSetsThem) {
  auto plain = PgConnection::connect(url_);
  ASSERT_TRUE(plain) << plain.error().message();
  EXPECT_EQ((*plain)->exec("SHOW statement_timeout")->get(0, 0), "2min");
  auto own = PgConnection::connect(url_ + "?options=-c%20statement_timeout%3D5s");
  ASSERT_TRUE(own) << own.error().message();
  EXPECT_EQ((*own)->exec("SHOW statement_timeout")->get(0, 0), "5s");
  auto slow = (*own)->exec("SELECT pg_sleep(10)");
  ASSERT_FALSE(slow);
  EXPECT_NE(slow.error().message().find("statement timeout"), std::string::npos) << slow.error().message();
}

// Issue 14, defect 4: a quarantine lapses and an operator can list and lift it.
TEST_F(StoreTest, QuarantinesLapseAndCanBeListedAndLifted) {
  ASSERT_TRUE(store_->quarantine_layer("sha256:q", "sha256:qb", 3, "usr/lib/x: truncated"));
  auto listed = store_->list_quarantines(std::chrono::hours(24));
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].diff_id, "sha256:q");
  EXPECT_EQ((*listed)[0].failures, 3);
  EXPECT_EQ((*listed)[0].quarantined_at.size(), 20u);  // 2026-12-06T22:59:37Z
  // Lapsed: a quarantine older than the window is not read back.
  ASSERT_TRUE(db_->exec("UPDATE layers SET quarantined_at = now() - interval '25 hours' WHERE diff_id = 'sha256:q'"));
  EXPECT_TRUE(store_->quarantined_layers(std::chrono::hours(24))->empty());
  EXPECT_EQ(store_->quarantined_layers(std::chrono::hours(48))->size(), 1u);
  // Lifted: gone at once, and reported to running coordinators for a while.
  EXPECT_TRUE(*store_->lift_quarantine("sha256:q"));
  EXPECT_FALSE(*store_->lift_quarantine("sha256:q"));
  EXPECT_TRUE(store_->quarantined_layers(std::chrono::hours(48))->empty());
  EXPECT_EQ(*store_->recently_lifted(std::chrono::seconds(30)), std::vector<std::string>{"sha256:q"});
}

}  // namespace
}  // namespace strata::coordinator
