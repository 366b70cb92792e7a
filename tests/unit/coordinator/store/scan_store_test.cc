// Scans and images: keys stored hashed, every read scoped by tenant, a scan done when its images are.
#include "tests/unit/coordinator/store/store_fixture.h"

namespace strata::coordinator::test_store {
namespace {

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

  auto scan = scans_->create_scan(a->id, Priority::kInteractive, {"oci:/x:1", "oci:/x:2"});
  ASSERT_TRUE(scan);
  auto mine = scans_->scan(a->id, *scan);
  ASSERT_TRUE(mine && *mine);
  EXPECT_EQ((*mine)->images.size(), 2u);
  EXPECT_EQ((*mine)->priority, Priority::kInteractive);
  EXPECT_FALSE(scans_->scan(b->id, *scan).value());

  ScanReport report;
  report.inventory.digest = "sha256:img";
  report.inventory.ref = "oci:/x:1";
  StoredImage image{&report, "{\"document\":1}\n"};
  ASSERT_TRUE(scans_->image_done(a->id, *scan, 0, image));
  auto owned = scans_->image_report(a->id, "sha256:img", "json").value();
  ASSERT_TRUE(owned);
  EXPECT_EQ(owned->document, std::optional<std::string>("{\"document\":1}\n"));
  EXPECT_FALSE(scans_->image_report(b->id, "sha256:img", "json").value());
  EXPECT_FALSE(scans_->image_report(b->id, "sha256:img", "inventory").value());
  EXPECT_FALSE(*scans_->finish_scan_if_complete(a->id, *scan));  // image 1 still queued
  ASSERT_TRUE(scans_->image_failed(a->id, *scan, 1, "oci:/x:2: no such tag"));
  EXPECT_TRUE(*scans_->finish_scan_if_complete(a->id, *scan));
  EXPECT_EQ((*scans_->scan(a->id, *scan))->state, "done");
  EXPECT_TRUE(scans_->unfinished_scans()->empty());
}

}  // namespace
}  // namespace strata::coordinator::test_store
