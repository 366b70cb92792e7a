// The strata-worker service loop. One DEALER socket to the coordinator, owned by the loop's
// thread; layer jobs run in a oneTBB task arena as wide as the worker's slots, and hand their
// outcomes back through a queue and an eventfd that wakes the loop.
//
// Protocol (schema/messages.capnp): Ready grants `slots` credits; each Job uses one, each
// JobResult or JobFailure returns it. Heartbeats name the running jobs. A Welcome with `announce`
// (the coordinator restarted) makes the worker announce its free slots again. On stop (SIGTERM)
// the worker withdraws its credits, finishes what it runs within the drain timeout, hands back
// what it could not finish, and leaves.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "common/cache/layer_cache.h"
#include "worker/api/registry_client.h"

namespace strata::worker {

struct WorkerConfig {
  std::string coordinator = "tcp://127.0.0.1:7601";
  std::string name;        // default: host-pid
  unsigned slots = 2;      // jobs at once
  LayerCacheConfig cache;
  std::string metrics_host = "127.0.0.1";
  int metrics_port = 0;    // 0: no metrics endpoint
  std::chrono::milliseconds heartbeat{1000};
  std::chrono::seconds drain_timeout{30};
  // Memory one job may use: a job whose limits allow more (its largest entry plus stream
  // buffers) is refused, so slots × job_memory bounds the worker's resident memory.
  std::uint64_t job_memory_bytes = 256ull << 20;
  // How blobs in registries are fetched: the worker's own credentials (used when a job carries
  // no token or its token is refused) and the registries it may reach over plain http.
  RegistryOptions registry;
  // CurveZMQ: the coordinator's public key and this worker's secret key (Z85), both or neither.
  std::string curve_server_key;
  std::string curve_secret_key;
};

// Runs until `stop` turns true, then drains. Returns a process exit code.
int run_worker(const WorkerConfig& config, const std::atomic<bool>& stop);

}  // namespace strata::worker
