// What pulling from a registry costs: the same layer analysed from a file and streamed from
// Debian's docker-registry on loopback (pushed once with skopeo), every analyzer on, both digests
// verified. The registry shares this machine's cores, so the ratio is an upper bound on the cost
// of the network path itself. The layer is STRATA_BENCH_MB MiB (default 300) of this machine's
// /usr, gzip. Skips when the registry tools are not installed.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <memory>

#include "tests/bench/bench_layer.h"
#include "tests/support/image_builder.h"
#include "tests/support/registries.h"
#include "worker/api/analyzer_registry.h"
#include "worker/layer/analyze_layer.h"
#include "worker/api/registry_client.h"
#include "worker/source/byte_source.h"

namespace strata::bench {
namespace {

std::uint64_t bench_megabytes() {
  const char* env = std::getenv("STRATA_BENCH_MB");
  return env ? std::strtoull(env, nullptr, 10) : 300;
}

struct Setup {
  BenchLayer layer;
  std::string layout;
  std::unique_ptr<test::RealRegistry> registry;
  std::string error;
  ~Setup() {
    registry.reset();
    if (!layout.empty()) std::filesystem::remove_all(layout);
  }
};

void prepare(Setup& out) {
    if (!test::have_registry_tools()) {
      out.error = "docker-registry or skopeo not installed";
      return;
    }
    out.layer = bench_layer(bench_megabytes(), Compression::kGzip);
    out.layout = test::temp_dir();
    write_bench_image(out.layout, out.layer, Compression::kGzip);
    out.registry = std::make_unique<test::RealRegistry>();
    if (!out.registry->ready()) {
      out.error = "docker-registry did not start: " + out.registry->log();
      return;
    }
    const auto pushed = out.registry->push("oci:" + out.layout, "bench/usr:1");
    if (pushed.exit_code != 0) out.error = "skopeo: " + pushed.out;
}

Setup& setup() {
  static Setup s;
  static const bool prepared = (prepare(s), true);
  (void)prepared;
  return s;
}

void analyse(benchmark::State& state, bool from_registry) {
  Setup& s = setup();
  if (!s.error.empty()) {
    state.SkipWithError(s.error.c_str());
    return;
  }
  const worker::AnalyzerRegistry analyzers = worker::builtin_analyzers();
  const auto digest = Digest::parse(s.layer.digest);
  const auto diff_id = Digest::parse(s.layer.diff_id);
  worker::RegistryOptions options;
  options.credentials.environment = false;
  options.credentials.docker_config = "-";
  worker::RegistryClient client(s.registry->host(), options);
  for (auto _ : state) {
    std::unique_ptr<worker::ByteSource> source;
    if (from_registry) {
      auto blob = client.open_blob("bench/usr", *digest, std::filesystem::file_size(s.layer.blob_path));
      if (!blob) {
        state.SkipWithError(blob.error().message().c_str());
        return;
      }
      source = std::move(*blob);
    } else {
      auto file = worker::FileSource::open(s.layer.blob_path);
      source = std::make_unique<worker::FileSource>(std::move(*file));
    }
    auto result = worker::analyze_layer(*source, {BlobDigest{*digest}, DiffId{*diff_id}}, analyzers, {});
    if (!result) {
      state.SkipWithError(result.error().message().c_str());
      return;
    }
    benchmark::DoNotOptimize(result->analysis.entries);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * s.layer.tar_bytes));
}

void BM_LayerFromFile(benchmark::State& state) { analyse(state, false); }
void BM_LayerFromRegistry(benchmark::State& state) { analyse(state, true); }

BENCHMARK(BM_LayerFromFile)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_LayerFromRegistry)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace strata::bench

BENCHMARK_MAIN();
