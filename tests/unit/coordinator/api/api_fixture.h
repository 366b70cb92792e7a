// The coordinator's HTTP API in process, over real sockets and the fixture's PostgreSQL: every
// service the routes use, real, with an in-memory layer cache and a dispatcher no worker joins.
#pragma once

#include "common/cache/memory_store.h"
#include "coordinator/api/http_api.h"
#include "coordinator/dispatch/dispatcher.h"
#include "coordinator/scan/scan_runner.h"
#include "coordinator/store/finding_query.h"
#include "coordinator/store/fleet_queries.h"
#include "coordinator/tenancy/audit_log.h"
#include "coordinator/tenancy/quotas.h"
#include "coordinator/tenancy/registry_credentials.h"
#include "coordinator/tenancy/secret_rules.h"
#include "tests/unit/coordinator/store/store_fixture.h"

namespace strata::coordinator::test_store {

class ApiTest : public StoreTest {
 protected:
  // What the API under test is configured with: any port, no operator listener.
  virtual ApiConfig api_config() {
    ApiConfig config;
    config.port = 0;
    config.operator_port = -1;
    return config;
  }
  void SetUp() override {
    StoreTest::SetUp();
    audit_ = std::make_unique<AuditLog>(*pool_);
    quotas_ = std::make_unique<Quotas>(*pool_, QuotaLimits{});
    credentials_ = std::make_unique<RegistryCredentials>(*pool_, nullptr);
    rules_ = std::make_unique<SecretRulesStore>(*pool_);
    finding_queries_ = std::make_unique<FindingQueries>(*pool_);
    // Counted again on each request after a change: every test sees its own writes.
    fleet_stats_ = std::make_unique<FleetStats>(*pool_, std::chrono::seconds(0));
    fleet_queries_ = std::make_unique<FleetQueries>(*pool_, *fleet_stats_);
    cache_ = std::make_unique<LayerCache>(std::make_shared<MemoryStore>(), "a cache secret of 32 bytes......", 60,
                                          metrics_);
    dispatcher_ = std::make_unique<Dispatcher>(DispatcherConfig{}, metrics_, nullptr, 1,
                                               std::map<std::string, std::string>{});
    ScanRunnerConfig runner_config;
    runner_config.oci_roots = api_config().oci_roots;
    runner_ = std::make_unique<ScanRunner>(runner_config, *scans_, *cache_, *dispatcher_, metrics_);
    ApiConfig config = api_config();
    api_ = std::make_unique<HttpApi>(config, *scans_, *runner_, *tenants_, *audit_, *quotas_, *credentials_, *rules_, *finding_queries_, *fleet_queries_,
                                     metrics_);
    auto port = api_->start();
    ASSERT_TRUE(port) << port.error().message();
    base_ = "http://127.0.0.1:" + std::to_string(*port);
    auto tenant = tenants_->create("owner");
    ASSERT_TRUE(tenant);
    tenant_ = *tenant;
  }
  void TearDown() override {
    api_->stop();
    runner_->stop();
  }
  MetricsRegistry metrics_;
  std::unique_ptr<AuditLog> audit_;
  std::unique_ptr<Quotas> quotas_;
  std::unique_ptr<RegistryCredentials> credentials_;
  std::unique_ptr<SecretRulesStore> rules_;
  std::unique_ptr<FindingQueries> finding_queries_;
  std::unique_ptr<FleetStats> fleet_stats_;
  std::unique_ptr<FleetQueries> fleet_queries_;
  std::unique_ptr<LayerCache> cache_;
  std::unique_ptr<Dispatcher> dispatcher_;
  std::unique_ptr<ScanRunner> runner_;
  std::unique_ptr<HttpApi> api_;
  std::string base_;
  NewTenant tenant_;
};

}  // namespace strata::coordinator::test_store
