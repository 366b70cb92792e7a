// The stores' tests, against a real PostgreSQL (the ctest fixture's, or one the test process
// starts when run by hand): a fresh database per test with every migration applied, and each
// role of the store over one pool.
#pragma once

#include <gtest/gtest.h>

#include "coordinator/store/finding_store.h"
#include "coordinator/store/job_store.h"
#include "coordinator/store/migrations.h"
#include "coordinator/store/scan_store.h"
#include "coordinator/tenancy/tenants.h"
#include "tests/support/servers.h"

namespace strata::coordinator::test_store {

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
    scans_ = std::make_unique<ScanStore>(*pool_);
    findings_ = std::make_unique<FindingStore>(*pool_);
    jobs_ = std::make_unique<JobStore>(*pool_);
    tenants_ = std::make_unique<Tenants>(*pool_);
  }
  std::string url_;
  std::unique_ptr<PgConnection> db_;
  std::unique_ptr<PgPool> pool_;
  std::unique_ptr<ScanStore> scans_;
  std::unique_ptr<FindingStore> findings_;
  std::unique_ptr<JobStore> jobs_;
  std::unique_ptr<Tenants> tenants_;
};

inline Finding finding(const std::string& id, const std::string& package) {
  Finding f;
  f.id = id;
  f.package.package = {Ecosystem::kDeb, package, "1.0-1", package, "1.0-1", "amd64", "var/lib/dpkg/status"};
  f.package.layer = "sha256:l";
  f.installed_version = "1.0-1";
  f.severity = SeverityLevel::kHigh;
  return f;
}

}  // namespace strata::coordinator::test_store
