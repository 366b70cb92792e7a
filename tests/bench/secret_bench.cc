// The secret engine alone, in MB/s of text: this machine's own text files (Python sources,
// documentation, headers: up to STRATA_BENCH_SECRET_MB MiB, default 64) scanned as if they were
// application files (the default allowlist of library trees would skip most of them), with
// strata's built-in rules and, when ../shared/data is present, gitleaks' 222 rules.
//   taskset -c 0 build/tests/bench/strata_secret_bench --benchmark_repetitions=5
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "worker/api/secret_rules.h"
#include "worker/api/secret_scanner.h"

namespace strata::bench {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string>& corpus() {
  static const std::vector<std::string> files = [] {
    const char* env = std::getenv("STRATA_BENCH_SECRET_MB");
    const std::size_t limit = (env ? std::strtoull(env, nullptr, 10) : 64) << 20;
    std::vector<std::string> out;
    std::size_t total = 0;
    for (const char* root : {"/usr/lib/python3", "/usr/share/doc", "/usr/include", "/usr/share/perl5", "/usr/lib/python3.11"}) {
      std::error_code ec;
      for (fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
           it != end && total < limit; it.increment(ec)) {
        if (ec || !it->is_regular_file(ec) || it->file_size(ec) > (10u << 20)) continue;
        std::ifstream in(it->path(), std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        std::string bytes = text.str();
        if (bytes.empty() || bytes.substr(0, 512).find('\0') != std::string::npos) continue;  // as the analyzer does
        total += bytes.size();
        out.push_back(std::move(bytes));
      }
    }
    return out;
  }();
  return files;
}

void run(benchmark::State& state, const worker::SecretRuleSet& rules) {
  auto scanner = worker::SecretScanner::compile(rules);
  if (!scanner) {
    state.SkipWithError(scanner.error().message().c_str());
    return;
  }
  std::size_t bytes = 0, hits = 0;
  for (const auto& f : corpus()) bytes += f.size();
  for (auto _ : state) {
    hits = 0;
    for (const auto& f : corpus()) hits += (*scanner)->scan("app/file.txt", f).size();
  }
  state.counters["files"] = static_cast<double>(corpus().size());
  state.counters["findings"] = static_cast<double>(hits);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
}

void BM_SecretScanBuiltinRules(benchmark::State& state) { run(state, worker::default_secret_rules()); }

void BM_SecretScanGitleaksRules(benchmark::State& state) {
  const std::string path = std::string(STRATA_SOURCE_DIR) + "/../shared/data/secrets/gitleaks/gitleaks.toml";
  if (!fs::exists(path)) {
    state.SkipWithError("shared data absent: gitleaks rules not measured");
    return;
  }
  auto rules = worker::load_secret_rules(path);
  if (!rules) {
    state.SkipWithError(rules.error().message().c_str());
    return;
  }
  run(state, *rules);
}

BENCHMARK(BM_SecretScanBuiltinRules)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_SecretScanGitleaksRules)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace strata::bench

BENCHMARK_MAIN();
