#include "worker/service/run_job.h"

#include <chrono>

#include "common/wire/layer_codec.h"
#include "common/cache/layer_cache.h"
#include "worker/api/image_inventory.h"
#include "worker/layer/analyze_layer.h"
#include "worker/source/byte_source.h"
#include "worker/api/secret_rules.h"

namespace strata::worker {
namespace {

// Counts what the analysis reads, for the bytes-read metric, and ends the read when the job is
// cancelled.
class MeteredSource final : public ByteSource {
 public:
  MeteredSource(ByteSource& inner, const std::atomic<bool>* cancelled, std::atomic<std::uint64_t>* progress)
      : inner_(inner), cancelled_(cancelled), progress_(progress) {}
  Result<std::size_t> read(std::span<std::byte> out) override {
    if (cancelled_ != nullptr && cancelled_->load(std::memory_order_relaxed)) {
      return fail(ErrorCode::kUnavailable, "cancelled by the coordinator");
    }
    auto n = inner_.read(out);
    if (n) {
      total += *n;
      if (progress_ != nullptr) progress_->fetch_add(*n, std::memory_order_relaxed);
    }
    return n;
  }
  std::uint64_t total = 0;

 private:
  ByteSource& inner_;
  const std::atomic<bool>* cancelled_;
  std::atomic<std::uint64_t>* progress_;
};

// Failures worth another try elsewhere: the file or a service was out of reach. Damaged or
// oversized bytes fail the same way every time.
constexpr std::uint64_t kPipelineFromBytes = 32ull << 20;

bool retryable(ErrorCode code) { return code == ErrorCode::kUnavailable || code == ErrorCode::kNotFound; }

}  // namespace

WorkerMetrics::WorkerMetrics(MetricsRegistry& r)
    : layers_analyzed(r.counter("strata_layers_analyzed_total", "Layers this worker analysed")),
      jobs_failed(r.counter("strata_worker_jobs_failed_total", "Layer jobs that failed on this worker")),
      bytes_read(r.counter("strata_bytes_read_total", "Layer blob bytes read")),
      job_seconds(r.histogram("strata_worker_job_seconds", "Wall time of one layer analysis",
                              {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300})),
      busy_slots(r.gauge("strata_worker_busy_slots", "Jobs running now")) {}

namespace {

// Opens the job's blob: a file, or a registry with the job's pull token. `client` is set for a
// registry source and must outlive the returned source.
Result<std::unique_ptr<ByteSource>> open_blob(const JobSpec& job, const RegistryOptions& registry_options,
                                              std::shared_ptr<RegistryClient>& client) {
  if (!job.source.file.empty()) {
    auto file = FileSource::open(job.source.file);
    if (!file) return std::unexpected(file.error());
    return std::unique_ptr<ByteSource>(std::make_unique<FileSource>(std::move(*file)));
  }
  if (!job.source.registry.empty()) {
    RegistryOptions options = registry_options;
    options.given_authorization = job.token;
    client = std::make_shared<RegistryClient>(job.source.registry, std::move(options));
    auto digest = Digest::parse(job.digest);
    if (!digest) return std::unexpected(digest.error());
    return client->open_blob(job.source.repository, *digest, job.size);
  }
  return fail(ErrorCode::kInvalidInput, "the job names no blob source");
}

// After a content failure: whether the blob, read again from its source, hashes to the digest
// the job names. Only then is the failure the layer's own (the same bytes fail the same way for
// anyone) and may count toward quarantine; bytes that do not verify were a source's fault.
// Bounded by the descriptor's size; any error reading means "not verified".
bool blob_verifies(const JobSpec& job, const RegistryOptions& registry_options) {
  std::shared_ptr<RegistryClient> client;  // outlives the source
  auto blob = open_blob(job, registry_options, client);
  if (!blob) return false;
  Sha256 hasher;
  std::vector<std::byte> buffer(1 << 16);
  std::uint64_t total = 0;
  for (;;) {
    auto n = (*blob)->read(buffer);
    if (!n) return false;
    if (*n == 0) break;
    total += *n;
    if ((job.size > 0 && total > job.size) || total > job.limits.stream.max_uncompressed_bytes) return false;
    hasher.update(std::span(buffer.data(), *n));
  }
  return hasher.finish().to_string() == job.digest;
}

JobOutcome run_job_unguarded(const JobSpec& job, const AnalyzerRegistry& registry, LayerCache& cache,
                             WorkerMetrics& metrics, const std::atomic<bool>* cancelled,
                             const RegistryOptions& registry_options, std::atomic<std::uint64_t>* progress) {
  const auto start = std::chrono::steady_clock::now();
  JobOutcome out;
  out.id = job.id;
  out.diff_id = job.diff_id;
  out.digest = job.digest;
  const std::string name = "layer " + job.digest;
  auto failed = [&](const Error& e) {
    out.ok = false;
    out.error_code = std::string(to_string(e.code()));
    out.error = e.with_context(name).message();
    out.retryable = retryable(e.code());
    if (cancelled != nullptr && cancelled->load()) out.error_code = "cancelled";
    metrics.jobs_failed.inc();
    return out;
  };
  auto expected = layer_expectation(LayerInfo{job.digest, job.diff_id, job.size, job.media_type, false});
  if (!expected) return failed(expected.error());
  std::shared_ptr<RegistryClient> client;  // declared first: outlives the blob source that talks through it
  auto opened = open_blob(job, registry_options, client);
  if (!opened) return failed(opened.error());
  std::unique_ptr<ByteSource> blob = std::move(*opened);
  MeteredSource source(*blob, cancelled, progress);
  // A large layer's decompression and hashing overlap its walk on a second thread.
  const Stages stages = job.size >= kPipelineFromBytes ? Stages::kPipelined : Stages::kSequential;
  auto layer = analyze_layer(source, *expected, registry, job.limits, stages);
  out.bytes_read = source.total;
  metrics.bytes_read.inc(source.total);
  if (!layer) {
    const ErrorCode code = layer.error().code();
    const bool content = code == ErrorCode::kCorrupt || code == ErrorCode::kLimitExceeded || code == ErrorCode::kUnsupported;
    if (content && !(cancelled != nullptr && cancelled->load())) {
      blob.reset();
      client.reset();
      out.verified = blob_verifies(job, registry_options);
    }
    return failed(layer.error());
  }
  out.analysis = encode_layer_analysis(layer->analysis);
  // Only verified results reach the shared cache: analyze_layer has checked both digests.
  // The key is the worker's own, from the diff_id it verified and its own analyzer set: a
  // coordinator (or anyone speaking for one) cannot aim a verified analysis at another layer's key.
  if (!job.cache_key.empty()) {
    const std::string rules = job.secret_rules.empty() ? std::string() : secret_rules_digest(job.secret_rules);
    out.cached = cache.store(layer_cache_key(layer->diff_id.to_string(), registry.set_version(), job.limits, rules), out.analysis,
                             job.cache_ttl_seconds);
    // Both digests verified: this blob is proven to be that layer.
    if (out.cached) cache.bind_blob(layer->digest.to_string(), layer->diff_id.to_string(), job.cache_ttl_seconds);
  }
  out.ok = true;
  const auto elapsed = std::chrono::steady_clock::now() - start;
  out.micros = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count());
  metrics.layers_analyzed.inc();
  metrics.job_seconds.observe(static_cast<double>(out.micros) / 1e6);
  return out;
}

}  // namespace

JobOutcome run_job(const JobSpec& job, const AnalyzerRegistry& registry, LayerCache& cache,
                   WorkerMetrics& metrics, const std::atomic<bool>* cancelled,
                   const RegistryOptions& registry_options, std::atomic<std::uint64_t>* bytes_read) {
  // The job's task boundary: an exception from a parser or a library (bytes from a layer or a
  // registry should never cause one, but a bug may) fails this job, not the worker, and the job
  // is answered, so its lease is released instead of being heartbeated forever.
  std::string what;
  try {
    return run_job_unguarded(job, registry, cache, metrics, cancelled, registry_options, bytes_read);
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
    what = "unknown exception";
  }
  JobOutcome out;
  out.id = job.id;
  out.diff_id = job.diff_id;
  out.digest = job.digest;
  out.error_code = std::string(to_string(ErrorCode::kInternal));
  out.error = "layer " + job.digest + ": internal error: " + what;
  out.retryable = false;
  metrics.jobs_failed.inc();
  return out;
}

}  // namespace strata::worker
