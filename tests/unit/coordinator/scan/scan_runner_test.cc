// The ScanRunner in process against a layer cache that misbehaves on purpose (common/cache/
// fault_store.h), a real Dispatcher with a scripted worker, and the fixture's PostgreSQL: a cache
// that answers serves the image without a job; one that is down, slow, loses writes or corrupts
// its bytes costs a job or time, never a wrong or failed report.
#include <filesystem>

#include "common/cache/fault_store.h"
#include "common/cache/memory_store.h"
#include "common/report/report_document.h"
#include "common/vulndb/sqlite/sqlite_vuln_db.h"
#include "common/wire/layer_codec.h"
#include "coordinator/dispatch/dispatcher.h"
#include "coordinator/scan/scan_runner.h"
#include "tests/support/image_builder.h"
#include "tests/support/scripted_worker.h"
#include "tests/unit/coordinator/store/store_fixture.h"

namespace strata::coordinator::test_store {
namespace {

using namespace std::chrono_literals;

// What the layer holds, as a worker would report it: one dpkg database with one package.
LayerAnalysis analysed(const std::string& package) {
  LayerAnalysis a;
  a.databases.push_back({"var/lib/dpkg/status", Ecosystem::kDeb, {{Ecosystem::kDeb, package, "5.2-1", package, "5.2-1", "amd64", "var/lib/dpkg/status"}}});
  return a;
}

class ScanRunnerFaults : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    dir_ = test::temp_dir();
    layer_ = test::make_layer({{"etc/motd", "hello\n"}});
    test::TestImage image;
    image.tag = "1";
    image.layers = {layer_};
    test::write_oci_layout(dir_ + "/layout", {image});
    ASSERT_TRUE(SqliteVulnDb::open(dir_ + "/vulndb.sqlite", /*create=*/true));
    faults_ = std::make_shared<FaultStore>(std::make_shared<MemoryStore>());
    cache_ = std::make_unique<LayerCache>(faults_, "a cache secret of 32 bytes......", 3600, metrics_);
    DispatcherConfig dispatch;
    dispatch.bind = "tcp://127.0.0.1:" + std::to_string(test::free_port());
    dispatcher_ = std::make_unique<Dispatcher>(dispatch, metrics_, nullptr, 1, std::map<std::string, std::string>{});
    ASSERT_TRUE(dispatcher_->start());
    worker_ = std::make_unique<test::ScriptedWorker>(dispatch.bind, test::ScriptedWorkerOptions{},
                                                     [](const test::ReceivedJob&) -> test::JobReply { return analysed("from-worker"); });
    ScanRunnerConfig config;
    config.vulndb = sqlite_per_thread(dir_ + "/vulndb.sqlite");
    config.oci_roots = {dir_};
    runner_ = std::make_unique<ScanRunner>(config, *scans_, *cache_, *dispatcher_, metrics_);
    key_ = layer_cache_key(layer_.diff_id, config.analyzer_set, config.limits);
    auto tenant = tenants_->create("t");
    ASSERT_TRUE(tenant);
    tenant_ = tenant->id;
  }
  void TearDown() override {
    runner_->stop();
    worker_.reset();
    dispatcher_->stop();
    std::filesystem::remove_all(dir_);
  }
  // What a worker leaves in the cache after analysing the layer.
  void cache_holds(const std::string& package) {
    ASSERT_TRUE(cache_->store(key_, encode_layer_analysis(analysed(package))));
    ASSERT_TRUE(cache_->bind_blob(test::sha256_digest(layer_.blob), layer_.diff_id));
  }
  // Scans the image and returns the names of the packages its stored report lists.
  std::vector<std::string> scan() {
    auto id = scans_->create_scan(tenant_, Priority::kInteractive, {"oci:" + dir_ + "/layout:1"});
    EXPECT_TRUE(id);
    runner_->submit(**scans_->scan(tenant_, *id));
    std::optional<ScanRow> row;
    EXPECT_TRUE(test::eventually(30, [&] {
      row = *scans_->scan(tenant_, *id);
      return row && row->state == "done";
    }));
    EXPECT_EQ(row->images.at(0).state, "done") << row->images.at(0).error.value_or("");
    auto stored = scans_->image_report(tenant_, row->images.at(0).digest.value_or(""), "json");
    EXPECT_TRUE(stored && *stored && (*stored)->document);
    auto report = decode_report_document(*(*stored)->document, "report");
    EXPECT_TRUE(report);
    std::vector<std::string> names;
    for (const auto& ip : report->inventory.view.packages) names.push_back(ip.package.name);
    return names;
  }
  std::uint64_t counter(const std::string& name) { return metrics_.counter(name, "").value(); }

  std::string dir_;
  test::TestLayer layer_;
  std::string key_;
  TenantId tenant_ = 0;
  MetricsRegistry metrics_;
  std::shared_ptr<FaultStore> faults_;
  std::unique_ptr<LayerCache> cache_;
  std::unique_ptr<Dispatcher> dispatcher_;
  std::unique_ptr<test::ScriptedWorker> worker_;
  std::unique_ptr<ScanRunner> runner_;
};

TEST_F(ScanRunnerFaults, ACachedLayerIsServedFromTheCacheWithoutAJob) {
  cache_holds("from-cache");
  EXPECT_EQ(scan(), std::vector<std::string>{"from-cache"});
  EXPECT_TRUE(worker_->received().empty());
  EXPECT_EQ(counter("strata_layer_cache_hits_total"), 1u);
}

TEST_F(ScanRunnerFaults, CorruptedCacheBytesAreNeverServedTheLayerIsAnalysedAgain) {
  cache_holds("from-cache");
  faults_->flip_bytes = true;
  EXPECT_EQ(scan(), std::vector<std::string>{"from-worker"});
  EXPECT_EQ(worker_->received().size(), 1u);
  EXPECT_GE(counter("strata_layer_cache_forged_total"), 1u);
}

TEST_F(ScanRunnerFaults, AnUnreachableCacheCostsAJobNotTheScan) {
  cache_holds("from-cache");
  faults_->unreachable = true;
  EXPECT_EQ(scan(), std::vector<std::string>{"from-worker"});
  EXPECT_EQ(worker_->received().size(), 1u);
  EXPECT_GE(counter("strata_layer_cache_errors_total"), 1u);
}

TEST_F(ScanRunnerFaults, LostWritesAreMissesAndASlowCacheOnlyTime) {
  faults_->drop_writes = true;
  cache_holds("never stored");
  EXPECT_EQ(scan(), std::vector<std::string>{"from-worker"});
  EXPECT_EQ(worker_->received().size(), 1u);
  faults_->drop_writes = false;
  cache_holds("from-cache");
  faults_->delay_ms = 300;
  EXPECT_EQ(scan(), std::vector<std::string>{"from-cache"});
  EXPECT_EQ(worker_->received().size(), 1u);  // no second job
}

}  // namespace
}  // namespace strata::coordinator::test_store
