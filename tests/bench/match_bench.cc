// Vulnerability database and matching, on the real feeds in ../shared/data/feeds (every OSV,
// Alpine secdb and Debian tracker file there, imported once into a temporary database):
//   DbOpen: opening the database file as a scan does (what "loading" costs: SQLite reads pages
//           on demand, so a scan pays for the records its packages name, not the whole file);
//   MatchImage: matching this machine's dpkg database (as Debian 11) against it, packages/s;
//   Import: importing every feed file (records/s).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "common/vulndb/feed_files.h"
#include "common/vulndb/sqlite/sqlite_vuln_db.h"
#include "common/image/layer_merge.h"
#include "worker/parser/dpkg_status.h"

namespace strata::bench {
namespace {

namespace fs = std::filesystem;

std::string feeds_dir() {
  const char* env = std::getenv("STRATA_SHARED_DATA");
  return (env ? std::string(env) : std::string(STRATA_SOURCE_DIR) + "/../shared/data") + "/feeds";
}

const std::string& bench_db() {
  static const std::string path = [] {
    const std::string p = (fs::temp_directory_path() / "strata-bench-vulndb.sqlite").string();
    fs::remove(p);
    auto db = SqliteVulnDb::open(p, true);
    (void)(*db)->import(read_feed_paths({feeds_dir()}));
    return p;
  }();
  return path;
}

ImageView this_machine_as_debian11() {
  std::ifstream in("/var/lib/dpkg/status");
  std::stringstream ss;
  ss << in.rdbuf();
  ImageView view;
  for (auto& p : worker::parse_dpkg_status(ss.str(), "var/lib/dpkg/status", worker::DpkgDatabase::kStatus).packages) {
    view.packages.push_back({std::move(p), "sha256:layer"});
  }
  view.distro = Distro{"debian", "11", "Debian:11"};
  return view;
}

bool have_feeds(benchmark::State& state) {
  if (fs::is_directory(feeds_dir())) return true;
  state.SkipWithError("shared data feeds not found; set STRATA_SHARED_DATA");
  return false;
}

void BM_DbOpen(benchmark::State& state) {
  if (!have_feeds(state)) return;
  const std::string& path = bench_db();
  for (auto _ : state) {
    auto db = SqliteVulnDb::open(path, false);
    auto first = (*db)->candidates("Debian:11", "openssl");
    benchmark::DoNotOptimize(first);
  }
}

void BM_MatchImage(benchmark::State& state) {
  if (!have_feeds(state)) return;
  auto db = SqliteVulnDb::open(bench_db(), false);
  const ImageView view = this_machine_as_debian11();
  std::size_t findings = 0;
  for (auto _ : state) {
    auto report = match_image(view, **db);
    findings = report.findings.size();
  }
  state.counters["packages"] = static_cast<double>(view.packages.size());
  state.counters["findings"] = static_cast<double>(findings);
  state.counters["packages_per_second"] =
      benchmark::Counter(static_cast<double>(view.packages.size()), benchmark::Counter::kIsIterationInvariantRate);
}

void BM_Import(benchmark::State& state) {
  if (!have_feeds(state)) return;
  const auto batches = read_feed_paths({feeds_dir()});
  std::size_t records = 0;
  for (const auto& [source, batch] : batches) records += batch.records.size();
  const std::string path = (fs::temp_directory_path() / "strata-bench-import.sqlite").string();
  for (auto _ : state) {
    state.PauseTiming();
    fs::remove(path);
    auto db = SqliteVulnDb::open(path, true);
    state.ResumeTiming();
    benchmark::DoNotOptimize((*db)->import(batches));
  }
  fs::remove(path);
  state.counters["records_per_second"] =
      benchmark::Counter(static_cast<double>(records), benchmark::Counter::kIsIterationInvariantRate);
}

// An image whose every Debian 11 package named by the feeds is older than every fix: the worst
// case, where every candidate record matches and aliases merge.
void BM_MatchVulnerableImage(benchmark::State& state) {
  if (!have_feeds(state)) return;
  auto db = SqliteVulnDb::open(bench_db(), false);
  std::set<std::string> names;
  for (const auto& [source, batch] : read_feed_paths({feeds_dir()})) {
    for (const auto& v : batch.records) {
      for (const auto& a : v.affected) {
        if (a.ecosystem == "Debian:11") names.insert(a.package);
      }
    }
  }
  ImageView view;
  for (const auto& name : names) {
    view.packages.push_back({Package{Ecosystem::kDeb, name, "0.1-1", name, "0.1-1", "amd64", "var/lib/dpkg/status", {}}, "L"});
  }
  view.distro = Distro{"debian", "11", "Debian:11"};
  std::size_t findings = 0;
  for (auto _ : state) findings = match_image(view, **db).findings.size();
  state.counters["packages"] = static_cast<double>(view.packages.size());
  state.counters["findings"] = static_cast<double>(findings);
  state.counters["packages_per_second"] =
      benchmark::Counter(static_cast<double>(view.packages.size()), benchmark::Counter::kIsIterationInvariantRate);
}

BENCHMARK(BM_DbOpen)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_MatchImage)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_MatchVulnerableImage)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Import)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace strata::bench

BENCHMARK_MAIN();
