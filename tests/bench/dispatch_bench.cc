// Coordinator dispatch rate: layer jobs per second from request to answered callback, through
// the real Dispatcher and ZeroMQ over TCP loopback, with workers that answer every job at once
// (an empty analysis, encoded as a real worker encodes it). What is measured is the scheduler,
// the Cap'n Proto messages, the sockets and the result decoding: everything but the analysis.
// The target: at least 20,000 jobs/s, so that dispatch is never what limits a fleet scan.
#include <benchmark/benchmark.h>

#include <condition_variable>
#include <mutex>

#include "coordinator/dispatch/dispatcher.h"
#include "tests/support/ports.h"
#include "tests/support/scripted_worker.h"

namespace strata::coordinator {
namespace {

void BM_DispatchRate(benchmark::State& state) {
  const int workers = static_cast<int>(state.range(0));
  const int slots = static_cast<int>(state.range(1));
  constexpr int kJobs = 20'000;
  MetricsRegistry metrics;
  DispatcherConfig config;
  config.bind = "tcp://127.0.0.1:" + std::to_string(test::free_port());
  Dispatcher dispatcher(config, metrics, nullptr, 1, {});
  if (!dispatcher.start()) {
    state.SkipWithError("cannot bind");
    return;
  }
  std::vector<std::unique_ptr<test::ScriptedWorker>> fleet;
  for (int w = 0; w < workers; ++w) {
    fleet.push_back(std::make_unique<test::ScriptedWorker>(
        config.bind, test::ScriptedWorkerOptions{.name = "echo-" + std::to_string(w), .slots = static_cast<unsigned>(slots), .record = false},
        test::empty_analysis));
  }
  std::uint64_t round = 0;
  for (auto _ : state) {
    std::mutex mutex;
    std::condition_variable all_done;
    int remaining = kJobs;
    std::vector<LayerNeed> needs;
    needs.reserve(kJobs);
    for (int i = 0; i < kJobs; ++i) {
      LayerNeed need;
      const std::string id = std::to_string(round) + "-" + std::to_string(i);
      need.layer = {"sha256:" + id, "sha256:b" + id, "application/vnd.oci.image.layer.v1.tar", 1, {"/none", "", ""}, "", nullptr, ""};
      need.tenant = i % 4;
      need.done = [&](Result<std::shared_ptr<const LayerAnalysis>>) {
        std::lock_guard lock(mutex);
        if (--remaining == 0) all_done.notify_one();
      };
      needs.push_back(std::move(need));
    }
    ++round;
    dispatcher.request(std::move(needs));
    std::unique_lock lock(mutex);
    all_done.wait(lock, [&] { return remaining == 0; });
  }
  state.SetItemsProcessed(state.iterations() * kJobs);
  state.counters["jobs_per_s"] = benchmark::Counter(static_cast<double>(state.iterations() * kJobs), benchmark::Counter::kIsRate);
  fleet.clear();
  dispatcher.stop();
}
// (workers, slots per worker)
BENCHMARK(BM_DispatchRate)->Args({1, 16})->Args({2, 16})->Args({8, 4})->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace strata::coordinator

BENCHMARK_MAIN();
