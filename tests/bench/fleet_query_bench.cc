// The fleet's questions (issue 17) over the generated fleet of bench_fleet.h, asked of a real
// coordinator over HTTP as one of the fleet's ten tenants (an image in ten of the fleet is its):
//
//   CountAggregates: the tenant's aggregates counted again from scratch (fleet_stats.h), what a
//     change costs before the summary, top lists and PDF answer from them (once a run);
//   Queries: each route, 40 requests with parameters drawn from the tenant's own data (ids and
//     aliases of its vulnerabilities, its packages, repositories, tags, labels, images, and the
//     second page of a search), on aggregates already counted: p50 and p99 per route in ms;
//   CsvExport: every open finding of the tenant as CSV, streamed: rows a second, and the
//     coordinator's peak resident memory before and after (constant memory: it does not grow
//     with the export);
//   FleetPdf: GET /v1/reports/fleet.pdf, the whole fleet's report;
//   DashboardOverview: the dashboard's overview in headless chromium, sign-in to the page drawn
//     (tests/dashboard/overview_timing.mjs; skipped when puppeteer-core is not installed).
//
// Sizes: STRATA_BENCH_FLEET_IMAGES (default 10000,100000). STRATA_BENCH_PG_URL and
// STRATA_BENCH_KEEP_FLEETS=1 reuse a fleet an earlier run (of this or strata_rescan_bench) kept.
#include <benchmark/benchmark.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "coordinator/store/fleet_stats.h"
#include "coordinator/tenancy/tenants.h"
#include "tests/bench/bench_fleet.h"
#include "tests/support/cluster.h"
#include "tests/support/process.h"
#include "tests/support/servers.h"

namespace strata::bench {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
constexpr coordinator::TenantId kTenant = 1;

bool g_failed = false;
void fail(benchmark::State& state, const std::string& why) {
  g_failed = true;
  state.SkipWithError(why.c_str());
}

double quantile(std::vector<double> v, double share) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(std::ceil(share * static_cast<double>(v.size())) - 1))];
}

// Peak resident memory of a process, KiB (VmHWM).
long peak_kib(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmHWM:")) return std::atol(line.c_str() + 6);
  }
  return -1;
}

// A coordinator on the fleet's database and a read key of the tenant, for the whole size.
struct Serving {
  std::unique_ptr<test::Cluster> cluster;
  std::string key;
  std::string base;
};

Serving* serving(std::size_t images, std::string* why) {
  static std::map<std::size_t, std::unique_ptr<Serving>> made;
  if (auto it = made.find(images); it != made.end()) return it->second.get();
  made.clear();
  Fleet* f = fleet(images, why);
  if (f == nullptr) return nullptr;
  auto s = std::make_unique<Serving>();
  test::ClusterOptions options;
  options.workers = 0;
  options.database_url = f->url();
  options.feed_store = true;
  s->cluster = std::make_unique<test::Cluster>(options);
  coordinator::PgPool pool(f->url(), 1);
  coordinator::Tenants tenants(pool);
  auto key = tenants.create_key(kTenant, "bench", coordinator::kScopeRead, std::nullopt);
  if (!key) return (*why = key.error().message(), nullptr);
  s->key = key->secret;
  s->base = s->cluster->server();
  return (made[images] = std::move(s)).get();
}

Json get_json(const Serving& s, const std::string& path) {
  const auto answer = test::http_get(s.base + path, s.key);
  if (answer.status != 200) throw std::runtime_error(path + ": HTTP " + std::to_string(answer.status) + ": " + answer.body);
  return Json::parse(answer.body);
}

std::string encode(const std::string& text) {
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      out += hex;
    }
  }
  return out;
}

void BM_CountAggregates(benchmark::State& state) {
  std::string why;
  Fleet* f = fleet(static_cast<std::size_t>(state.range(0)), &why);
  if (f == nullptr) return fail(state, why);
  coordinator::PgPool pool(f->url(), 1);
  coordinator::FleetStats stats(pool, std::chrono::seconds(0));
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    if (auto r = stats.count(kTenant); !r) return fail(state, r.error().message());
    state.SetIterationTime(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  state.counters["images"] = static_cast<double>(state.range(0));
  state.counters["tenant_images"] = static_cast<double>(state.range(0)) / 10;
}

void BM_Queries(benchmark::State& state) {
  if (!fs::is_directory(shared_data() + "/feeds")) return state.SkipWithError("shared data not found; set STRATA_SHARED_DATA");
  std::string why;
  Serving* s = serving(static_cast<std::size_t>(state.range(0)), &why);
  if (s == nullptr) return fail(state, why);
  try {
    // What the requests ask about, drawn from the tenant's own data.
    const Json top = get_json(*s, "/v1/vulnerabilities?limit=200");
    const Json images = get_json(*s, "/v1/images?limit=200");
    const Json findings = get_json(*s, "/v1/findings?limit=1000");
    std::vector<std::string> vulns, digests, packages, aliases, repositories;
    for (const auto& v : top["vulnerabilities"]) vulns.push_back(v["id"]);
    for (const auto& i : images["images"]) {
      digests.push_back(i["digest"]);
      for (const auto& ref : i["refs"]) repositories.push_back(coordinator::repository_tag(ref.get<std::string>()).repository);
    }
    for (const auto& f : findings["findings"]) {
      packages.push_back(f["package"]["name"]);
      for (const auto& a : f["vulnerability"]["aliases"]) aliases.push_back(a);
    }
    if (vulns.empty() || digests.empty() || packages.empty() || repositories.empty()) {
      return fail(state, "the tenant holds no findings");
    }
    if (aliases.empty()) aliases = vulns;
    const std::string cursor = findings["next"].is_string() ? findings["next"].get<std::string>() : "";
    std::mt19937_64 random(7);
    auto pick = [&](const std::vector<std::string>& from) { return from[random() % from.size()]; };
    const std::vector<std::pair<std::string, std::function<std::string()>>> routes = {
        {"findings", [] { return std::string("/v1/findings"); }},
        {"findings_page2", [&] { return "/v1/findings?cursor=" + cursor; }},
        {"findings_by_vulnerability", [&] { return "/v1/findings?vulnerability=" + encode(pick(vulns)); }},
        {"findings_by_alias", [&] { return "/v1/findings?vulnerability=" + encode(pick(aliases)); }},
        {"findings_critical_fixable_old", [] { return std::string("/v1/findings?severity=critical&fixable=true&first_seen_before=2099-01-01"); }},
        {"findings_by_package", [&] { return "/v1/findings?package=" + encode(pick(packages)); }},
        {"findings_by_ecosystem", [] { return std::string("/v1/findings?ecosystem=npm"); }},
        {"findings_by_repository", [&] { return "/v1/findings?repository=" + encode(pick(repositories)); }},
        {"findings_by_tag", [] { return std::string("/v1/findings?tag=1.3"); }},
        {"findings_by_label", [&] { return "/v1/findings?label=" + encode("team=team-" + std::to_string(random() % 97)); }},
        {"findings_by_image", [&] { return "/v1/findings?image=" + pick(digests); }},
        {"vulnerability", [&] { return "/v1/vulnerabilities/" + encode(pick(vulns)); }},
        {"vulnerabilities_top", [] { return std::string("/v1/vulnerabilities"); }},
        {"images", [] { return std::string("/v1/images"); }},
        {"images_by_risk", [] { return std::string("/v1/images?order=risk"); }},
        {"image_layers", [&] { return "/v1/images/" + pick(digests) + "/layers"; }},
        {"summary", [] { return std::string("/v1/summary"); }},
        {"layers_top", [] { return std::string("/v1/layers/top"); }},
    };
    std::map<std::string, std::vector<double>> took;
    for (auto _ : state) {
      double total = 0;
      for (const auto& [name, path] : routes) {
        for (int i = 0; i < 40; ++i) {
          const std::string url = path();
          const auto start = std::chrono::steady_clock::now();
          const auto answer = test::http_get(s->base + url, s->key);
          const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
          if (answer.status != 200) return fail(state, url + ": HTTP " + std::to_string(answer.status) + ": " + answer.body);
          took[name].push_back(ms);
          total += ms;
        }
      }
      state.SetIterationTime(total / 1000);
    }
    for (const auto& [name, ms] : took) {
      state.counters[name + "_p50_ms"] = quantile(ms, 0.5);
      state.counters[name + "_p99_ms"] = quantile(ms, 0.99);
    }
  } catch (const std::exception& e) {
    return fail(state, e.what());
  }
  state.counters["images"] = static_cast<double>(state.range(0));
}

void BM_CsvExport(benchmark::State& state) {
  if (!fs::is_directory(shared_data() + "/feeds")) return state.SkipWithError("shared data not found; set STRATA_SHARED_DATA");
  std::string why;
  Serving* s = serving(static_cast<std::size_t>(state.range(0)), &why);
  if (s == nullptr) return fail(state, why);
  const int pid = s->cluster->coordinator().pid();
  const long before = peak_kib(pid);
  std::size_t rows = 0;
  double seconds = 0;
  for (auto _ : state) {
    // curl streams it to a pipe that counts lines: the client holds nothing either.
    const auto start = std::chrono::steady_clock::now();
    const auto out = test::run_command("curl -sS -N -H 'Authorization: Bearer " + s->key + "' '" + s->base +
                                           "/v1/findings?format=csv' | wc -l",
                                       false);
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    rows = static_cast<std::size_t>(std::max(0L, std::atol(out.out.c_str()) - 1));
    state.SetIterationTime(seconds);
  }
  state.counters["rows"] = static_cast<double>(rows);
  state.counters["rows_per_s"] = seconds > 0 ? static_cast<double>(rows) / seconds : 0;
  state.counters["coordinator_peak_mib_before"] = static_cast<double>(before) / 1024;
  state.counters["coordinator_peak_mib_after"] = static_cast<double>(peak_kib(pid)) / 1024;
}

void BM_FleetPdf(benchmark::State& state) {
  if (!fs::is_directory(shared_data() + "/feeds")) return state.SkipWithError("shared data not found; set STRATA_SHARED_DATA");
  std::string why;
  Serving* s = serving(static_cast<std::size_t>(state.range(0)), &why);
  if (s == nullptr) return fail(state, why);
  std::size_t bytes = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    const auto pdf = test::http_get(s->base + "/v1/reports/fleet.pdf", s->key);
    state.SetIterationTime(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    if (pdf.status != 200) return fail(state, "HTTP " + std::to_string(pdf.status) + ": " + pdf.body);
    bytes = pdf.body.size();
  }
  state.counters["pdf_kib"] = static_cast<double>(bytes) / 1024;
}

void BM_DashboardOverview(benchmark::State& state) {
  const std::string dir = std::string(STRATA_SOURCE_DIR) + "/tests/dashboard";
  if (!fs::exists(dir + "/node_modules/puppeteer-core")) return state.SkipWithError("puppeteer-core not installed (npm ci --prefix tests/dashboard)");
  if (!fs::is_directory(shared_data() + "/feeds")) return state.SkipWithError("shared data not found; set STRATA_SHARED_DATA");
  std::string why;
  Serving* s = serving(static_cast<std::size_t>(state.range(0)), &why);
  if (s == nullptr) return fail(state, why);
  for (auto _ : state) {
    const auto out = test::run_command("node " + dir + "/overview_timing.mjs " + s->base + " " + s->key + " 5", false);
    if (out.exit_code != 0) return fail(state, "overview_timing.mjs: " + out.out);
    const Json times = Json::parse(out.out, nullptr, false);
    if (!times.is_array() || times.empty()) return fail(state, "overview_timing.mjs printed no times: " + out.out);
    std::vector<double> ms;
    for (const auto& t : times) ms.push_back(t.get<double>());
    state.SetIterationTime(quantile(ms, 0.5) / 1000);
    state.counters["median_ms"] = quantile(ms, 0.5);
    state.counters["max_ms"] = quantile(ms, 1.0);
  }
}

std::vector<std::int64_t> sizes() {
  std::vector<std::int64_t> out;
  std::stringstream list(std::getenv("STRATA_BENCH_FLEET_IMAGES") ? std::getenv("STRATA_BENCH_FLEET_IMAGES") : "10000,100000");
  for (std::string item; std::getline(list, item, ',');) out.push_back(std::stoll(item));
  return out;
}

}  // namespace
}  // namespace strata::bench

int main(int argc, char** argv) {
  using namespace strata::bench;
  for (const std::int64_t n : sizes()) {
    benchmark::RegisterBenchmark("CountAggregates", BM_CountAggregates)->Arg(n)->UseManualTime()->Iterations(1)->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("Queries", BM_Queries)->Arg(n)->UseManualTime()->Iterations(1)->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("CsvExport", BM_CsvExport)->Arg(n)->UseManualTime()->Iterations(1)->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("FleetPdf", BM_FleetPdf)->Arg(n)->UseManualTime()->Iterations(3)->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("DashboardOverview", BM_DashboardOverview)->Arg(n)->UseManualTime()->Iterations(1)->Unit(benchmark::kMillisecond);
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return g_failed ? 1 : 0;
}
