// Findings: first seen, last seen and resolved across scans of an image; one per architecture.
#include "tests/unit/coordinator/store/store_fixture.h"

namespace strata::coordinator::test_store {
namespace {

TEST_F(StoreTest, FindingsKeepFirstSeenAndResolveWhenGone) {
  auto t = tenants_->create("t");
  ASSERT_TRUE(t);
  ScanReport report;
  report.inventory.digest = "sha256:img";
  report.inventory.view.packages.push_back({{Ecosystem::kDeb, "openssl", "1.0-1", "openssl", "1.0-1", "amd64", "p"}, "sha256:l"});
  report.result.kept = {finding("CVE-1", "openssl"), finding("CVE-2", "curl")};
  auto scan1 = scans_->create_scan(t->id, Priority::kBulk, {"oci:/x"});
  ASSERT_TRUE(scans_->image_done(t->id, *scan1, 0, {&report, "{}"}));
  auto first = db_->exec("SELECT first_seen FROM findings WHERE vuln_id = 'CVE-1'");
  ASSERT_EQ(first->rows(), 1);
  const std::string first_seen(first->get(0, 0));

  report.result.kept = {finding("CVE-1", "openssl")};  // curl's CVE-2 fixed since
  auto scan2 = scans_->create_scan(t->id, Priority::kBulk, {"oci:/x"});
  ASSERT_TRUE(scans_->image_done(t->id, *scan2, 0, {&report, "{}"}));
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
  auto scan = scans_->create_scan(t->id, Priority::kBulk, {"oci:/x"});
  ASSERT_TRUE(scan);
  auto stored = scans_->image_done(t->id, *scan, 0, {&report, "{}"});
  ASSERT_TRUE(stored) << stored.error().message();
  auto rows = db_->exec("SELECT package_arch FROM findings WHERE tenant_id = $1 ORDER BY package_arch",
                        {std::to_string(t->id)});
  ASSERT_EQ(rows->rows(), 2);
  EXPECT_EQ(rows->get(0, 0), "amd64");
  EXPECT_EQ(rows->get(1, 0), "i386");
}

TEST_F(StoreTest, AnImagesFindingsAreReadByItsTenantOnly) {
  auto t = tenants_->create("t");
  auto other = tenants_->create("other");
  ASSERT_TRUE(t && other);
  ScanReport report;
  report.inventory.digest = "sha256:img";
  report.result.kept = {finding("CVE-1", "openssl"), finding("CVE-2", "curl")};
  ASSERT_TRUE(scans_->image_done(t->id, *scans_->create_scan(t->id, Priority::kBulk, {"oci:/x"}), 0, {&report, "{}"}));
  report.result.kept = {finding("CVE-1", "openssl")};
  ASSERT_TRUE(scans_->image_done(t->id, *scans_->create_scan(t->id, Priority::kBulk, {"oci:/x"}), 0, {&report, "{}"}));
  auto rows = findings_->findings(t->id, "sha256:img");
  ASSERT_TRUE(rows) << rows.error().message();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].vuln_id, "CVE-1");
  EXPECT_EQ((*rows)[0].severity, "HIGH");
  EXPECT_FALSE((*rows)[0].resolved_at);
  EXPECT_EQ((*rows)[1].vuln_id, "CVE-2");
  EXPECT_TRUE((*rows)[1].resolved_at);
  EXPECT_TRUE(findings_->findings(other->id, "sha256:img")->empty());
}

}  // namespace
}  // namespace strata::coordinator::test_store
