// One layer job on a worker: read the blob from its source, analyse it exactly as `strata
// inventory` does (both digests verified while streaming), encode the result and store it in the
// layer cache. Never throws and never takes the worker down: every failure is an outcome that
// names the layer and what is wrong with it. Thread-safe (one call per job, shared registry and
// cache).
#pragma once

#include <atomic>

#include "common/metrics/metrics.h"
#include "worker/api/analyzer_registry.h"
#include "common/cache/layer_cache.h"
#include "worker/api/registry_client.h"
#include "common/wire/job.h"

namespace strata::worker {

struct WorkerMetrics {
  explicit WorkerMetrics(MetricsRegistry& registry);
  Counter& layers_analyzed;
  Counter& jobs_failed;
  Counter& bytes_read;
  Histogram& job_seconds;
  Gauge& busy_slots;
};

// `cancelled`, when set during the run, stops the analysis at its next read: the outcome is a
// failure with code "cancelled". A registry source is fetched with `registry_options` (the
// worker's own credentials and insecure registries) and the job's pull token. `bytes_read`, when
// given, counts the blob bytes read so far, for the heartbeat.
JobOutcome run_job(const JobSpec& job, const AnalyzerRegistry& registry, LayerCache& cache,
                   WorkerMetrics& metrics, const std::atomic<bool>* cancelled = nullptr,
                   const RegistryOptions& registry_options = {}, std::atomic<std::uint64_t>* bytes_read = nullptr);

}  // namespace strata::worker
