// The cluster end to end, as separate processes over TCP with real Redis and PostgreSQL: a fleet
// of images sharing base layers is scanned with each distinct layer analysed exactly once, every
// stored report is byte for byte what `strata image` prints, and the same fleet again analyses
// nothing.
#include <gtest/gtest.h>

#include "loadtest/fleet.h"
#include "tests/support/cluster.h"
#include "tests/support/image_builder.h"
#include "tests/support/process.h"

namespace strata {
namespace {

class FleetE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    fleet_dir_ = test::temp_dir();
    fleet_ = loadtest::write_fleet(fleet_dir_ + "/layout", {.images = 24, .middles = 3, .app_bytes = 32 << 10, .seed = 7});
  }
  void TearDown() override { std::filesystem::remove_all(fleet_dir_); }

  std::string fleet_dir_;
  loadtest::Fleet fleet_;
};

TEST_F(FleetE2E, EachLayerAnalysedOnceReportsEqualStrataImageThenAllCacheHits) {
  ASSERT_GE(fleet_.refs.size(), 20u);
  ASSERT_LT(fleet_.unique_layers, fleet_.layer_references);  // the fleet shares layers
  test::Cluster cluster;

  const auto first = cluster.wait(cluster.submit(fleet_.refs));
  ASSERT_FALSE(first.is_null()) << cluster.logs();
  EXPECT_EQ(first["counts"]["done"], fleet_.refs.size()) << first.dump(2);
  std::string page = cluster.metrics();
  EXPECT_EQ(test::metric(page, "strata_layers_analyzed_total"), static_cast<double>(fleet_.unique_layers)) << page;
  double on_workers = 0;
  for (std::size_t i = 0; i < cluster.worker_count(); ++i) {
    on_workers += test::metric(test::http_get(cluster.worker_metrics_url(i)).body, "strata_layers_analyzed_total");
  }
  EXPECT_EQ(on_workers, static_cast<double>(fleet_.unique_layers));
  EXPECT_EQ(test::metric(page, "strata_layer_cache_hits_total") + test::metric(page, "strata_layer_cache_misses_total"),
            static_cast<double>(fleet_.layer_references));

  // Every stored report equals `strata image` on the same image with the same database.
  for (std::size_t i = 0; i < fleet_.refs.size(); ++i) {
    const auto& image = first["images"][i];
    ASSERT_EQ(image["digest"], fleet_.digests[i]);
    const auto stored = test::http_get(cluster.server() + "/v1/images/" + fleet_.digests[i], cluster.token());
    ASSERT_EQ(stored.status, 200) << stored.body;
    const auto local = test::run_command(std::string(STRATA_BINARY) + " image " + fleet_.refs[i] + " --db " +
                                             cluster.vulndb() + " --format json",
                                         /*with_stderr=*/false);
    ASSERT_EQ(local.exit_code, 0);
    EXPECT_EQ(stored.body, local.out) << fleet_.refs[i];
    const auto inventory = test::http_get(cluster.server() + "/v1/images/" + fleet_.digests[i] + "/inventory", cluster.token());
    const auto local_inventory = test::run_command(std::string(STRATA_BINARY) + " inventory " + fleet_.refs[i] + " --format json", false);
    EXPECT_EQ(inventory.body, local_inventory.out) << fleet_.refs[i];
  }
  // The fleet has findings to compare: the feed hits both bases.
  const auto sample = nlohmann::json::parse(test::http_get(cluster.server() + "/v1/images/" + fleet_.digests[0], cluster.token()).body);
  EXPECT_FALSE(sample["vulnerabilities"].empty());

  // Again: nothing analysed, every layer from the cache.
  const double hits_before = test::metric(page, "strata_layer_cache_hits_total");
  const auto second = cluster.wait(cluster.submit(fleet_.refs));
  ASSERT_FALSE(second.is_null()) << cluster.logs();
  EXPECT_EQ(second["counts"]["done"], fleet_.refs.size());
  page = cluster.metrics();
  EXPECT_EQ(test::metric(page, "strata_layers_analyzed_total"), static_cast<double>(fleet_.unique_layers));
  EXPECT_EQ(test::metric(page, "strata_layer_cache_hits_total") - hits_before, static_cast<double>(fleet_.layer_references));
  for (const auto& image : second["images"]) EXPECT_EQ(image["layers_cached"], image["layers"]);
  EXPECT_EQ(test::metric(page, "strata_scans{state=\"done\"}"), 2);
}

TEST_F(FleetE2E, SubmitWaitPrintsOneReportPerLineInTheOrderGiven) {
  test::Cluster cluster;
  const std::vector<std::string> refs = {fleet_.refs[5], fleet_.refs[0], fleet_.refs[3]};
  const auto out = test::run_command(std::string(STRATA_BINARY) + " submit --server " + cluster.server() + " --token " +
                                         cluster.token() + " --wait --format json " + refs[0] + " " + refs[1] + " " + refs[2],
                                     /*with_stderr=*/false);
  ASSERT_EQ(out.exit_code, 0) << out.out << cluster.logs();
  std::istringstream lines(out.out);
  std::string line;
  std::size_t n = 0;
  while (std::getline(lines, line)) {
    ASSERT_LT(n, refs.size());
    const auto doc = nlohmann::json::parse(line);
    EXPECT_EQ(doc["schema"], "strata.report/v1");
    EXPECT_EQ(doc["image"]["ref"], refs[n]);
    const auto local = test::run_command(std::string(STRATA_BINARY) + " image " + refs[n] + " --db " + cluster.vulndb() +
                                             " --format json",
                                         false);
    EXPECT_EQ(doc, nlohmann::json::parse(local.out));
    ++n;
  }
  EXPECT_EQ(n, refs.size());

  // The environment variables up.sh prints are enough, and --exit-code fails a build on findings.
  const auto gated = test::run_command("STRATA_SERVER=" + cluster.server() + " STRATA_TOKEN=" + cluster.token() + " " +
                                           std::string(STRATA_BINARY) + " submit --wait --format summary --exit-code 4 " + refs[1],
                                       false);
  EXPECT_EQ(gated.exit_code, 4) << gated.out;
  EXPECT_NE(gated.out.find(refs[1]), std::string::npos);

  // Every other format is what `strata image --format F` prints, byte for byte.
  for (const std::string format : {"table", "sarif", "cyclonedx", "csv"}) {
    const auto remote = test::run_command(std::string(STRATA_BINARY) + " submit --server " + cluster.server() +
                                              " --token " + cluster.token() + " --wait --format " + format + " " + refs[1],
                                          false);
    const auto local = test::run_command(std::string(STRATA_BINARY) + " image " + refs[1] + " --db " + cluster.vulndb() +
                                             " --format " + format,
                                         false);
    // CycloneDX stamps the time its document was made: the cluster's at scan time, this one now.
    auto unstamped = [](std::string text) {
      const std::string key = "\"timestamp\": \"";
      if (const auto at = text.find(key); at != std::string::npos) {
        text.erase(at + key.size(), text.find('"', at + key.size()) - (at + key.size()));
      }
      return text;
    };
    EXPECT_EQ(unstamped(remote.out), unstamped(local.out)) << format;
  }
  const auto bad = test::http_get(cluster.server() + "/v1/images/" + fleet_.digests[0] + "?format=pdf", cluster.token());
  EXPECT_EQ(bad.status, 400) << bad.body;
}

}  // namespace
}  // namespace strata
