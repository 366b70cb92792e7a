// The rescan after a feed update, at fleet scale, against a PostgreSQL of its own (started with
// deploy/local/services.sh under a temporary directory, stopped at the end):
//
//   a fleet of N images (STRATA_BENCH_RESCAN_IMAGES, default 10000,30000,100000) is written
//   straight into the store as the scan runner would have stored it — images with their report
//   documents, packages with their match keys, findings — from a few dozen base inventories read
//   from the real package databases in ../shared/data/fixtures (dpkg, apk, rpm; each as several
//   distribution releases) and this machine's own dpkg database, plus application packages
//   whose names and versions come from the real feeds (PyPI, npm, Go, Maven), shared across
//   images with a Zipf-like popularity; every feed in ../shared/data/feeds is the first
//   generation of the feed store.
//
//   Delta1Percent: a generation touching 1% of the (ecosystem, package) pairs the fleet holds
//     (half of them get a new record, half their records with a revised severity), then
//     Rescanner::run(): the time of
//     the re-match, the findings update and the events (manual time; repeated 3 times);
//   FullRematch: every record changed, then the same (once);
//   InteractiveScanDuringRescan: a cluster (coordinator, one worker, Redis) started on the
//     fleet's database; interactive scans of small images (each one worker job) on the idle
//     cluster, then one after another while the coordinator rescans a 1% delta: the medians and
//     their ratio, the p90 during the rescan, and how long the rescan gave way to the scans
//     (manual time: the rescan as the scans saw it). STRATA_BENCH_GIVE_WAY_MS sets the
//     coordinator's --rescan-give-way-ms (0: the rescan never waits), for comparing the two.
//
// Counters: images, packages per image, pairs and keys matched, findings new/resolved/changed,
// and the PostgreSQL database size per image. No layer, registry or worker is involved.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "tests/bench/bench_fleet.h"
#include "tests/support/cluster.h"
#include "tests/support/image_builder.h"

namespace strata::bench {
namespace {

namespace fs = std::filesystem;
using coordinator::PgConnection;

// A benchmark that could not measure what it names: reported, and the program exits 1 (the
// test script's smoke run must not pass over a broken benchmark).
bool g_failed = false;
void fail(benchmark::State& state, const std::string& why) {
  g_failed = true;
  state.SkipWithError(why.c_str());
}

void run_rescan(benchmark::State& state, double share) {
  if (!fs::is_directory(shared_data() + "/feeds")) {
    state.SkipWithError("shared data not found; set STRATA_SHARED_DATA");  // a skip, not a failure
    return;
  }
  std::string why;
  Fleet* f = fleet(static_cast<std::size_t>(state.range(0)), &why);
  if (f == nullptr) {
    fail(state, why);
    return;
  }
  coordinator::RescanOutcome last;
  for (auto _ : state) {
    if (!f->import_delta(share, &why)) {
      fail(state, why);
      return;
    }
    const auto start = std::chrono::steady_clock::now();
    auto out = f->rescan();
    state.SetIterationTime(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    if (!out || !*out) {
      fail(state, out ? "nothing to rescan" : out.error().message().c_str());
      return;
    }
    last = **out;
  }
  state.counters["images"] = static_cast<double>(state.range(0));
  state.counters["pkgs_per_image"] = f->packages_per_image();
  state.counters["findings_per_image"] = f->findings_per_image();
  state.counters["pg_kib_per_image"] = f->bytes_per_image() / 1024;
  state.counters["images_kib"] = f->table_bytes_per_image().at(0) / 1024;
  state.counters["packages_kib"] = f->table_bytes_per_image().at(1) / 1024;
  state.counters["findings_kib"] = f->table_bytes_per_image().at(2) / 1024;
  state.counters["pairs"] = static_cast<double>(last.pairs);
  state.counters["keys"] = static_cast<double>(last.keys);
  state.counters["new"] = static_cast<double>(last.findings_new);
  state.counters["resolved"] = static_cast<double>(last.findings_resolved);
  state.counters["changed"] = static_cast<double>(last.findings_changed);
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v.size() % 2 == 1 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

// The value below which `share` of the samples lie (nearest rank).
double quantile(std::vector<double> v, double share) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto rank = static_cast<std::size_t>(std::ceil(share * static_cast<double>(v.size())));
  return v[std::clamp<std::size_t>(rank, 1, v.size()) - 1];
}

// How long the coordinator's rescan waited for interactive scans, from its closing log line.
double gave_way_seconds(const std::string& logs) {
  const std::string key = "gave way to interactive scans for ";
  const auto at = logs.rfind(key);
  return at == std::string::npos ? -1 : std::stod(logs.substr(at + key.size())) / 1000;  // -1: not ended yet
}

// Images for interactive scans: one Debian base layer (a real dpkg database) shared by all, and
// a layer of each image's own, so that every scan runs one worker job.
std::vector<std::string> interactive_images(const std::string& dir, int count) {
  const auto base = test::make_layer(
      {{"etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n"},
       {"var/lib/dpkg/status", read_file(shared_data() + "/fixtures/os/dpkg/trivy-valid/var/lib/dpkg/status")}});
  std::vector<test::TestImage> images;
  for (int i = 0; i < count; ++i) {
    test::TestImage image;
    image.layers = {base, test::make_layer({{"srv/app/build-" + std::to_string(i) + ".txt", std::string(4096, 'a' + i % 26)}})};
    image.tag = "interactive-" + std::to_string(i);
    images.push_back(std::move(image));
  }
  test::write_oci_layout(dir, images);
  std::vector<std::string> refs;
  for (const auto& image : images) refs.push_back("oci:" + dir + ":" + image.tag);
  return refs;
}

// Interactive scans on a real cluster (a coordinator, one worker, Redis) over the fleet's
// database: their latency on the idle cluster, then while the coordinator rescans the fleet
// after a 1% delta (one scan after another until the rescan ends), and the ratio of the medians.
void BM_InteractiveScanDuringRescan(benchmark::State& state) {
  if (!fs::is_directory(shared_data() + "/feeds")) {
    state.SkipWithError("shared data not found; set STRATA_SHARED_DATA");  // a skip, not a failure
    return;
  }
  std::string why;
  Fleet* f = fleet(static_cast<std::size_t>(state.range(0)), &why);
  if (f == nullptr || !f->settle()) {
    fail(state, f == nullptr ? why.c_str() : "cannot settle the fleet's documents");
    return;
  }
  const std::string dir = test::temp_dir();
  const auto refs = interactive_images(dir + "/layout", 200);
  std::vector<double> idle, during;
  double rescan_seconds = 0;
  double gave_way = 0;  // of it, the rescan waiting for interactive scans
  for (auto _ : state) {
    test::ClusterOptions options;
    options.workers = 1;
    options.database_url = f->url();
    options.feed_store = true;
    // For comparing the rescan's giving way to interactive scans with its not doing so (0).
    if (const char* ms = std::getenv("STRATA_BENCH_GIVE_WAY_MS")) options.coordinator_args = {"--rescan-give-way-ms", ms};
    test::Cluster cluster(options);
    std::size_t next = 0;
    auto scan = [&]() -> double {
      const auto start = std::chrono::steady_clock::now();
      const auto done = cluster.wait(cluster.submit({refs.at(next++ % refs.size())}, "interactive"), 120);
      if (done.is_null()) throw std::runtime_error("an interactive scan did not finish:\n" + cluster.logs());
      return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    try {
      scan();  // the base layer, analysed once and cached
      for (int i = 0; i < 7; ++i) idle.push_back(scan());
      if (!f->import_delta(0.01, &why)) throw std::runtime_error(why);
      const auto start = std::chrono::steady_clock::now();
      if (!test::eventually(30, [&] { return !f->latest_rescan_state().empty(); })) {
        throw std::runtime_error("the coordinator did not start the rescan:\n" + cluster.logs());
      }
      while (f->latest_rescan_state() == "running") during.push_back(scan());
      rescan_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      (void)test::eventually(10, [&] { return gave_way_seconds(cluster.logs()) >= 0; });
      gave_way = std::max(0.0, gave_way_seconds(cluster.logs()));
    } catch (const std::exception& e) {
      fail(state, e.what());
      break;
    }
    state.SetIterationTime(rescan_seconds);
  }
  fs::remove_all(dir);
  state.counters["images"] = static_cast<double>(state.range(0));
  state.counters["idle_ms"] = median(idle) * 1000;
  state.counters["during_rescan_ms"] = median(during) * 1000;
  state.counters["during_p90_ms"] = quantile(during, 0.9) * 1000;
  state.counters["scans_during"] = static_cast<double>(during.size());
  state.counters["rescan_gave_way_s"] = gave_way;
  state.counters["ratio"] = median(idle) > 0 ? median(during) / median(idle) : 0;
}

void BM_Delta1Percent(benchmark::State& state) { run_rescan(state, 0.01); }
void BM_FullRematch(benchmark::State& state) { run_rescan(state, 1.0); }

std::vector<std::int64_t> sizes() {
  std::vector<std::int64_t> out;
  const char* env = std::getenv("STRATA_BENCH_RESCAN_IMAGES");
  std::stringstream list(env ? env : "10000,30000,100000");
  std::string item;
  while (std::getline(list, item, ',')) out.push_back(std::stoll(item));
  return out;
}

void register_benchmarks() {
  for (const auto n : sizes()) {
    benchmark::RegisterBenchmark("BM_Delta1Percent", BM_Delta1Percent)->Arg(n)->UseManualTime()->Iterations(1)
        ->Repetitions(3)->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("BM_FullRematch", BM_FullRematch)->Arg(n)->UseManualTime()->Iterations(1)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("BM_InteractiveScanDuringRescan", BM_InteractiveScanDuringRescan)->Arg(n)
        ->UseManualTime()->Iterations(1)->Unit(benchmark::kMillisecond);
  }
}

}  // namespace
}  // namespace strata::bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  strata::bench::register_benchmarks();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return strata::bench::g_failed ? 1 : 0;
}
