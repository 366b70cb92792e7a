// strata-worker: analyses layers for a coordinator. Configuration by flags, by STRATA_*
// environment variables, or by a TOML/INI file (--config), in that order of precedence.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>
#include <new>
#include <oneapi/tbb/global_control.h>
#include <thread>

#include "common/cache/layer_cache.h"
#include "common/log.h"
#include "common/wire/curve_key.h"
#include "worker/service/worker_service.h"

namespace {

std::atomic<bool> g_stop{false};

void on_signal(int) { g_stop.store(true); }

std::string default_name() {
  char host[256] = "worker";
  ::gethostname(host, sizeof host - 1);
  return std::string(host) + "-" + std::to_string(::getpid());
}

}  // namespace

int main(int argc, char** argv) {
  strata::worker::WorkerConfig config;
  config.slots = std::max(1u, std::thread::hardware_concurrency());
  CLI::App app("strata-worker: analyses container image layers for a strata coordinator");
  app.set_version_flag("--version", "strata-worker 0.1.0");
  app.set_config("--config", "", "read options from this TOML or INI file");
  app.add_option("--coordinator", config.coordinator, "the coordinator's ZeroMQ address")
      ->envname("STRATA_COORDINATOR")
      ->capture_default_str();
  app.add_option("--name", config.name, "this worker's name in logs and metrics (default HOST-PID)")
      ->envname("STRATA_WORKER_NAME");
  app.add_option("--slots", config.slots, "layers analysed at once")
      ->envname("STRATA_WORKER_SLOTS")
      ->check(CLI::Range(1u, 1024u))
      ->capture_default_str();
  app.add_option("--redis-ca-file", config.cache.ca_file,
                 "for a rediss:// (TLS) layer cache: the CA that signed its certificate; default: the system's CAs")
      ->envname("STRATA_REDIS_CA_FILE");
  app.add_option("--redis", config.cache.url, "Redis URL of the layer cache (redis://HOST:PORT, rediss:// for TLS); none: uncached")
      ->envname("STRATA_REDIS_URL");
  std::string curve_key_file;
  std::string coordinator_key_file;
  app.add_option("--curve-key", curve_key_file, "this worker's CURVE secret key (from `strata-coordinator keys`)")
      ->envname("STRATA_CURVE_KEY");
  app.add_option("--coordinator-key", coordinator_key_file, "the coordinator's CURVE public key (its .pub file)")
      ->envname("STRATA_COORDINATOR_KEY");
  std::string cache_secret_file;
  app.add_option("--cache-secret-file", cache_secret_file,
                 "the cluster's cache secret (else STRATA_CACHE_SECRET), as the coordinator's");
  app.add_option("--metrics-host", config.metrics_host, "address of the /metrics endpoint")
      ->envname("STRATA_WORKER_METRICS_HOST")
      ->capture_default_str();
  app.add_option("--metrics-port", config.metrics_port, "port of the /metrics endpoint; 0: none")
      ->envname("STRATA_WORKER_METRICS_PORT")
      ->capture_default_str();
  std::uint64_t job_memory_mib = config.job_memory_bytes >> 20;
  app.add_option("--job-memory-mib", job_memory_mib, "memory one job may use; jobs whose limits allow more are refused")
      ->envname("STRATA_WORKER_JOB_MEMORY_MIB")
      ->capture_default_str();
  app.add_option("--insecure-registry", config.registry.insecure_registries,
                 "a registry reached over plain http (loopback always is); repeatable")
      ->envname("STRATA_INSECURE_REGISTRIES");
  bool allow_private_registries = false;
  app.add_flag("--allow-private-registries", allow_private_registries,
               "fetch from registries at loopback, private and link-local addresses too (the blob URLs in jobs "
               "come from tenants' registries: off by default)");
  unsigned drain_seconds = static_cast<unsigned>(config.drain_timeout.count());
  app.add_option("--drain-seconds", drain_seconds, "on SIGTERM, how long running jobs may take before they are handed back")
      ->envname("STRATA_WORKER_DRAIN_SECONDS")
      ->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  if (config.name.empty()) config.name = default_name();
  config.job_memory_bytes = job_memory_mib << 20;
  auto secret = strata::load_cache_secret(cache_secret_file);
  if (!secret) {
    std::cerr << "strata-worker: error: " << secret.error().message() << "\n";
    return 2;
  }
  if (!config.cache.url.empty() && secret->empty()) {
    std::cerr << "strata-worker: error: --redis needs the cluster's cache secret (--cache-secret-file or "
                 "STRATA_CACHE_SECRET), the same as the coordinator's\n";
    return 2;
  }
  config.cache.secret = std::move(*secret);
  if (curve_key_file.empty() != coordinator_key_file.empty()) {
    std::cerr << "strata-worker: error: --curve-key and --coordinator-key go together\n";
    return 2;
  }
  for (const auto& [path, key] : {std::pair{&curve_key_file, &config.curve_secret_key},
                                  std::pair{&coordinator_key_file, &config.curve_server_key}}) {
    if (path->empty()) continue;
    auto read = strata::read_curve_key(*path);
    if (!read) {
      std::cerr << "strata-worker: error: " << read.error().message() << "\n";
      return 2;
    }
    *key = std::move(*read);
  }
  config.registry.public_addresses_only = !allow_private_registries;
  config.drain_timeout = std::chrono::seconds(drain_seconds);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGINT, on_signal);
  std::signal(SIGPIPE, SIG_IGN);
  // oneTBB's threads outlive run_worker unless finalized. Ended here, their per-thread OpenSSL
  // state goes with them before the exit handlers run OPENSSL_cleanup, which otherwise races
  // their exit (a double free AddressSanitizer caught once at a worker's SIGTERM).
  oneapi::tbb::task_scheduler_handle tbb_threads{oneapi::tbb::attach{}};
  const int rc = strata::worker::run_worker(config, g_stop);
  (void)oneapi::tbb::finalize(tbb_threads, std::nothrow);  // false only while an arena lives: none does
  return rc;
}
