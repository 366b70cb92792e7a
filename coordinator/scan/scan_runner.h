// Turns a scan's images into findings. For each image: resolve it to its layers (manifest and
// config only), look every layer up in the Redis cache in one round trip, ask the dispatcher for
// the misses (joining jobs in flight for the same diff_id), and once every layer is in, merge,
// match against the vulnerability database and store the report, the inventory, the packages
// and the findings. An image fails alone (a quarantined or corrupt layer, an unreadable
// manifest); its scan goes on.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <chrono>
#include <memory>
#include <string>

#include "common/metrics/metrics.h"
#include "common/vulndb/vuln_db.h"
#include "coordinator/dispatch/dispatcher.h"
#include "coordinator/scan/tenant_registries.h"
#include "coordinator/scan/work_pool.h"
#include "coordinator/scheduler/fair_queue.h"
#include "coordinator/store/scan_store.h"
#include "coordinator/tenancy/quotas.h"
#include "coordinator/tenancy/secret_fingerprints.h"
#include "coordinator/tenancy/secret_rules.h"
#include "common/cache/layer_cache.h"
#include "worker/api/image_inventory.h"
#include "worker/api/registry_client.h"

namespace strata::coordinator {

struct ScanRunnerConfig {
  unsigned threads = 2;
  // The vulnerability database for the calling thread: the feed store (shared), or a SQLite file
  // opened once per thread (sqlite_per_thread).
  std::function<Result<VulnDb*>()> vulndb;
  WalkLimits limits;
  std::uint64_t analyzer_set = 0;
  // Each tenant's registry clients (its own stored credentials, else the shared clients): manifests
  // are resolved here; workers get a pull token for one repository, never a stored credential
  // (a registry that takes only basic authentication is the exception: its header goes with the
  // job, over the encrypted worker channel).
  std::shared_ptr<TenantRegistries> registries;
  // Layer bytes pulled per tenant and day: counted, and refused once used up. May be null.
  Quotas* quotas = nullptr;
  // Tenants' own secret rules. May be null: every tenant uses the built-in ones.
  SecretRulesStore* secret_rules = nullptr;
  // Each tenant's own secret fingerprints. May be null: the workers' (as `strata image` prints).
  const SecretFingerprints* fingerprints = nullptr;
  // Images between planning and their end, at most (issue 14, defect 8): each holds its plan and
  // the analyses of its layers that arrived, so a scan of thousands of images must not plan them
  // all at once. The rest wait, in the same fair order (interactive first, tenants in turn).
  std::size_t max_images_in_flight = 256;
  // Fleet targets (repositories, registries) are listed on threads of their own, tenants in
  // turn, never on the API's; a listing adds at most this many images to a scan (or the tenant's
  // images-per-scan quota, if lower).
  unsigned listing_threads = 4;
  std::size_t max_images_per_scan = 10'000;
  std::vector<std::string> oci_roots;  // as ApiConfig::oci_roots: checked again when planning
};

// A SQLite file `strata db` wrote, opened once on each thread that asks (SqliteVulnDb is not
// thread-safe, and opening it per image would cost more than matching).
std::function<Result<VulnDb*>()> sqlite_per_thread(std::string path);

class ScanRunner {
 public:
  ScanRunner(ScanRunnerConfig config, ScanStore& store, LayerCache& cache, Dispatcher& dispatcher,
             MetricsRegistry& metrics);
  ~ScanRunner();

  // Starts every image of the scan that is not done or failed yet, and lists its fleet targets,
  // if it still has any. Thread-safe.
  void submit(const ScanRow& scan);
  // The registry clients scans resolve manifests with (also for listing fleet targets).
  TenantRegistries& registries() const { return *config_.registries; }
  void stop();

 private:
  struct ImageTask;
  void plan(std::shared_ptr<ImageTask> task);
  void layer_arrived(const std::shared_ptr<ImageTask>& task, std::size_t slot,
                     Result<std::shared_ptr<const LayerAnalysis>> result);
  void assemble(const std::shared_ptr<ImageTask>& task);
  void fail_image(const ImageTask& task, const std::string& error);
  void image_ended(const ImageTask& task);
  // Starts planning waiting images while fewer than max_images_in_flight are under way.
  void admit_images();
  // Lists the scan's fleet targets, adds their images to it and starts them; or records why not.
  void list_targets(const ScanRow& scan);
  // Whether the tenant holds the layer: its layout has the blob file of the descriptor's size, or
  // its registry serves the blob (a HEAD, remembered for an hour).
  Result<void> holds_blob(TenantId tenant, worker::RegistryClients& clients, const BlobLocation& where,
                          const LayerInfo& layer);
  // Runs one step of an image (plan, assemble) and turns an exception into the image's error.
  void guarded(const ImageTask& task, const std::function<void()>& step);

  ScanRunnerConfig config_;
  ScanStore& store_;
  LayerCache& cache_;
  Dispatcher& dispatcher_;
  Counter& images_done_;
  Counter& images_failed_;
  Histogram& image_seconds_;
  std::atomic<bool> stopping_{false};  // ends store retries so the pool can stop
  std::mutex proofs_mutex_;
  std::map<std::string, std::chrono::steady_clock::time_point> proofs_;  // guarded by proofs_mutex_
  Gauge& images_in_flight_;
  Gauge& images_waiting_;
  std::mutex admission_mutex_;
  FairQueue waiting_order_;                                         // guarded by admission_mutex_
  std::map<std::uint64_t, std::shared_ptr<ImageTask>> waiting_;     // guarded by admission_mutex_
  std::uint64_t next_waiting_ = 1;                                  // guarded by admission_mutex_
  std::size_t in_flight_ = 0;                                       // guarded by admission_mutex_
  WorkPool listings_;
  WorkPool pool_;
};

}  // namespace strata::coordinator
