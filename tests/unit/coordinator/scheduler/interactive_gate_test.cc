// Bulk work giving way to interactive scans, against the fixture's PostgreSQL: the gate waits
// while an interactive scan is unfinished and goes on soon after it is done; it never waits on an
// idle cluster, for a bulk scan or for an interactive scan long past; and a scan that never ends
// holds bulk work back only `at_most` a time.
#include "coordinator/scheduler/interactive_gate.h"

#include <thread>

#include "tests/unit/coordinator/store/store_fixture.h"

namespace strata::coordinator::test_store {
namespace {

using std::chrono::milliseconds;

class Gate : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    tenant_ = tenants_->create("t")->id;
  }
  std::string scan(Priority priority) {
    auto id = scans_->create_scan(tenant_, priority, {"registry.example/app:1"});
    EXPECT_TRUE(id) << id.error().message();
    return *id;
  }
  void finish(const std::string& id) {
    auto conn = PgConnection::connect(url_);
    ASSERT_TRUE(conn);
    ASSERT_TRUE((*conn)->exec("UPDATE scans SET state = 'done', finished_at = now() WHERE id = $1", {id}));
  }
  static InteractiveGateConfig config(milliseconds at_most) {
    InteractiveGateConfig c;
    c.at_most = at_most;
    c.quiet = milliseconds(50);
    return c;
  }
  TenantId tenant_ = 0;
};

TEST_F(Gate, AnIdleClusterIsNotWaitedFor) {
  auto waited = InteractiveGate(config(milliseconds(5000))).give_way(*db_);
  ASSERT_TRUE(waited) << waited.error().message();
  EXPECT_EQ(waited->count(), 0);
}

TEST_F(Gate, BulkWorkWaitsWhileAnInteractiveScanRunsAndGoesOnSoonAfterItEnds) {
  const std::string id = scan(Priority::kInteractive);
  std::jthread finisher([&] {
    std::this_thread::sleep_for(milliseconds(400));
    finish(id);
  });
  auto waited = InteractiveGate(config(milliseconds(20'000))).give_way(*db_);
  ASSERT_TRUE(waited) << waited.error().message();
  EXPECT_GE(waited->count(), 400);
  EXPECT_LT(waited->count(), 10'000);  // the end was seen, not the bound
}

TEST_F(Gate, BulkScansAndInteractiveScansLongPastAreNotWaitedFor) {
  scan(Priority::kBulk);
  const std::string old = scan(Priority::kInteractive);
  ASSERT_TRUE(db_->exec("UPDATE scans SET created_at = now() - interval '1 hour' WHERE id = $1", {old}));
  auto waited = InteractiveGate(config(milliseconds(5000))).give_way(*db_);
  ASSERT_TRUE(waited) << waited.error().message();
  EXPECT_EQ(waited->count(), 0);
}

TEST_F(Gate, AnInteractiveScanThatNeverEndsHoldsBulkWorkBackOnlyTheBoundAtATime) {
  scan(Priority::kInteractive);
  for (int i = 0; i < 2; ++i) {
    auto waited = InteractiveGate(config(milliseconds(200))).give_way(*db_);
    ASSERT_TRUE(waited) << waited.error().message();
    EXPECT_GE(waited->count(), 200);
    EXPECT_LT(waited->count(), 5000);
  }
  // At zero the gate is off.
  auto off = InteractiveGate(config(milliseconds(0))).give_way(*db_);
  ASSERT_TRUE(off);
  EXPECT_EQ(off->count(), 0);
}

TEST_F(Gate, InsideALongTransactionAScanLongPastIsStillPast) {
  // now() is the transaction's start: measured from it, a scan created 300.5 s before this
  // statement (and 299.5 s before the transaction began, a second ago) would still seem recent.
  ASSERT_TRUE(db_->exec("BEGIN"));
  ASSERT_TRUE(db_->exec("SELECT pg_sleep(1)"));
  const std::string id = scan(Priority::kInteractive);
  ASSERT_TRUE(db_->exec("UPDATE scans SET created_at = clock_timestamp() - interval '300.5 seconds' WHERE id = $1", {id}));
  auto waited = InteractiveGate(config(milliseconds(2000))).give_way(*db_);
  ASSERT_TRUE(waited) << waited.error().message();
  EXPECT_EQ(waited->count(), 0);
  ASSERT_TRUE(db_->exec("COMMIT"));
}

}  // namespace
}  // namespace strata::coordinator::test_store
