// The fleet's aggregates against the fixture's PostgreSQL: counted once and served while young
// enough, counted again by the refresher after a change, and never taken for current when a
// change commits while they are being counted.
#include "coordinator/store/fleet_stats.h"

#include <gtest/gtest.h>

#include "common/report/report_document.h"
#include "coordinator/store/fleet_queries.h"
#include "tests/unit/coordinator/store/store_fixture.h"

namespace strata::coordinator::test_store {
namespace {

class FleetStatsTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    auto tenant = tenants_->create("owner");
    ASSERT_TRUE(tenant);
    tenant_ = tenant->id;
  }
  void store(char c, const std::string& vuln) {
    ScanReport report;
    report.inventory.ref = std::string("registry.example/app:") + c;
    report.inventory.digest = "sha256:" + std::string(64, c);
    report.result.kept = {finding(vuln, "openssl")};
    report.inventory.view.packages.push_back(report.result.kept[0].package);
    auto scan = scans_->create_scan(tenant_, Priority::kBulk, {report.inventory.ref});
    ASSERT_TRUE(scan);
    ASSERT_TRUE(scans_->image_done(tenant_, *scan, 0, {&report, encode_report_document(report)}));
  }
  std::int64_t open_high(FleetQueries& queries) {
    auto summary = queries.summary(tenant_, 10);
    EXPECT_TRUE(summary) << summary.error().message();
    return summary ? summary->open[1] : -1;
  }
  TenantId tenant_ = 0;
};

TEST_F(FleetStatsTest, CountsAreServedWhileYoungAndCountedAgainByTheRefresher) {
  FleetStats stats(*pool_, std::chrono::hours(1));
  FleetQueries queries(*pool_, stats);
  store('1', "CVE-2024-1");
  EXPECT_EQ(open_high(queries), 1);  // never counted: counted now
  store('2', "CVE-2024-2");
  EXPECT_EQ(open_high(queries), 1);  // stale, but younger than an hour: served as counted
  auto refreshed = stats.refresh_stale();
  ASSERT_TRUE(refreshed) << refreshed.error().message();
  EXPECT_EQ(*refreshed, 1u);
  EXPECT_EQ(open_high(queries), 2);
  EXPECT_EQ(stats.refresh_stale().value(), 0u);  // nothing changed since
}

TEST_F(FleetStatsTest, AChangeThatCommitsDuringACountLeavesTheCountsStale) {
  FleetStats stats(*pool_, std::chrono::seconds(0));
  FleetQueries queries(*pool_, stats);
  store('1', "CVE-2024-1");
  EXPECT_EQ(open_high(queries), 1);
  // A writer's change, uncommitted while the count reads: the count cannot see it, and must not
  // take itself for current once it commits.
  auto writer = PgConnection::connect(url_);
  ASSERT_TRUE(writer);
  ASSERT_TRUE((*writer)->exec("BEGIN"));
  ASSERT_TRUE((*writer)->exec("UPDATE findings SET severity = 'CRITICAL'"));
  ASSERT_TRUE((*writer)->exec("UPDATE fleet_changes SET changes = changes + 1 WHERE tenant_id = $1", {std::to_string(tenant_)}));
  ASSERT_TRUE(stats.count(tenant_));
  ASSERT_TRUE((*writer)->exec("COMMIT"));
  auto summary = queries.summary(tenant_, 10);
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->open[0], 1);  // counted again: the change is in
  EXPECT_EQ(summary->open[1], 0);
}

}  // namespace
}  // namespace strata::coordinator::test_store
