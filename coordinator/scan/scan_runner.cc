#include "coordinator/scan/scan_runner.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "common/assess/assess_image.h"
#include "common/log.h"
#include "common/report/report_document.h"
#include "common/vulndb/sqlite/sqlite_vuln_db.h"
#include "coordinator/scan/registry_targets.h"
#include "coordinator/scan/tenant_reference.h"

namespace strata::coordinator {
namespace {

// Runs a store write until PostgreSQL takes it. An outage delays the scan, it does not leave the
// image 'analyzing' for ever (issue 14, defect 12): unavailable is retried with a backoff that
// grows to 5 s; any other error, or the runner stopping (the scan resumes at the next start),
// returns at once.
template <class Write>
auto until_stored(const std::atomic<bool>& stopping, const std::string& what, Write&& write) -> decltype(write()) {
  auto pause = std::chrono::milliseconds(250);
  for (;;) {
    auto result = write();
    if (result || result.error().code() != ErrorCode::kUnavailable || stopping.load()) return result;
    log_warn("scan", what + ": the store is unavailable, retrying in " + std::to_string(pause.count()) +
                         " ms: " + result.error().message());
    for (auto slept = std::chrono::milliseconds(0); slept < pause && !stopping.load(); slept += std::chrono::milliseconds(50)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    pause = std::min(pause * 2, std::chrono::milliseconds(5000));
  }
}

}  // namespace

struct ScanRunner::ImageTask {
  TenantId tenant = 0;
  std::string scan;
  int position = 0;
  std::string ref;
  Priority priority = Priority::kBulk;
  worker::ImagePlan plan;
  std::vector<std::shared_ptr<const LayerAnalysis>> slots;  // per layer; null for a foreign one
  std::shared_ptr<const TenantSecretRules> secret_rules;    // the tenant's own; null: the built-in ones
  std::atomic<int> remaining{0};
  std::mutex mutex;
  std::string error;  // the first layer failure
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  mutable std::atomic<bool> ended{false};  // counted out of the images in flight once
};

ScanRunner::ScanRunner(ScanRunnerConfig config, ScanStore& store, LayerCache& cache, Dispatcher& dispatcher,
                       MetricsRegistry& metrics)
    : config_(std::move(config)),
      store_(store),
      cache_(cache),
      dispatcher_(dispatcher),
      images_done_(metrics.counter("strata_images_scanned_total", "Images whose report was stored")),
      images_failed_(metrics.counter("strata_images_failed_total", "Images that could not be scanned")),
      image_seconds_(metrics.histogram("strata_image_scan_seconds", "From planning to stored report, per image",
                                       {0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900})),
      images_in_flight_(metrics.gauge("strata_images_in_flight", "Images between planning and their end")),
      images_waiting_(metrics.gauge("strata_images_waiting", "Images of accepted scans waiting to be planned")),
      listings_(std::max(1u, config_.listing_threads)),
      pool_(config_.threads) {
  if (!config_.registries) config_.registries = std::make_shared<TenantRegistries>(worker::RegistryOptions{}, nullptr);
}

ScanRunner::~ScanRunner() { stop(); }

void ScanRunner::stop() {
  stopping_.store(true);
  listings_.stop();
  pool_.stop();
}

void ScanRunner::submit(const ScanRow& scan) {
  if (scan.targets) {
    listings_.post(queue_class(scan.priority), scan.tenant, [this, scan] {
      try {
        list_targets(scan);
      } catch (const std::exception& e) {
        log_error("scan", scan.id + ": listing its targets: " + e.what());
        (void)until_stored(stopping_, scan.id, [&] { return store_.targets_failed(scan.tenant, scan.id, "internal error while listing"); });
      }
    });
  }
  for (const ScanImageRow& image : scan.images) {
    if (image.state == "done" || image.state == "failed") continue;
    auto task = std::make_shared<ImageTask>();
    task->tenant = scan.tenant;
    task->scan = scan.id;
    task->position = image.position;
    task->ref = image.ref;
    task->priority = scan.priority;
    std::lock_guard lock(admission_mutex_);
    const std::uint64_t id = next_waiting_++;
    waiting_.emplace(id, task);
    waiting_order_.push(queue_class(task->priority), task->tenant, id, 0);
  }
  admit_images();
}

void ScanRunner::list_targets(const ScanRow& scan) {
  const std::string what = scan.id + " targets";
  auto give_up = [&](const std::string& error) {
    log_warn("scan", scan.id + ": " + error);
    if (auto r = until_stored(stopping_, what, [&] { return store_.targets_failed(scan.tenant, scan.id, error); }); !r) {
      log_error("scan", r.error().message());
      return;
    }
    auto finished = until_stored(stopping_, scan.id, [&] { return store_.finish_scan_if_complete(scan.tenant, scan.id); });
    if (finished && *finished) log_info("scan", scan.id + " done");
  };
  auto targets = parse_targets_json(*scan.targets);
  if (!targets) return give_up(targets.error().message());
  // Listed with the tenant's own registry credentials: never another tenant's, never the
  // coordinator's unless its operator chose so for that registry.
  auto clients = config_.registries->for_tenant(scan.tenant);
  if (!clients) {
    log_error("scan", "tenant " + std::to_string(scan.tenant) + "'s registry credentials: " + clients.error().message());
    return give_up("this tenant's stored registry credentials cannot be read; the operator has been told");
  }
  std::size_t room = config_.max_images_per_scan;
  if (config_.quotas != nullptr) {
    if (auto limits = config_.quotas->limits(scan.tenant)) {
      room = std::min<std::size_t>(room, static_cast<std::size_t>(std::max<std::int64_t>(0, limits->images_per_scan)));
    }
  }
  room -= std::min(room, scan.images.size());
  auto listed = expand_registry_targets(targets->repositories, targets->registries, **clients, room);
  if (!listed) return give_up(listed.error().message());
  if (listed->empty()) return give_up("the repositories and registries named hold no tagged images");
  if (auto r = until_stored(stopping_, what, [&] { return store_.add_listed_images(scan.tenant, scan.id, *listed); }); !r) {
    return log_error("scan", r.error().message());
  }
  auto fresh = until_stored(stopping_, what, [&] { return store_.scan(scan.tenant, scan.id); });
  if (!fresh || !*fresh) return;
  ScanRow added = std::move(**fresh);
  std::erase_if(added.images, [&](const ScanImageRow& image) { return image.position < static_cast<int>(scan.images.size()); });
  log_info("scan", scan.id + ": listed " + std::to_string(added.images.size()) + " images");
  submit(added);
}

void ScanRunner::admit_images() {
  std::vector<std::shared_ptr<ImageTask>> admitted;
  {
    std::lock_guard lock(admission_mutex_);
    while (in_flight_ < std::max<std::size_t>(1, config_.max_images_in_flight) && !waiting_.empty()) {
      const auto id = waiting_order_.pop([&](std::uint64_t task_id, std::uint64_t) { return waiting_.contains(task_id); });
      if (!id) break;
      admitted.push_back(std::move(waiting_.at(*id)));
      waiting_.erase(*id);
      ++in_flight_;
    }
    images_in_flight_.set(static_cast<std::int64_t>(in_flight_));
    images_waiting_.set(static_cast<std::int64_t>(waiting_.size()));
  }
  for (auto& task : admitted) {
    pool_.post(queue_class(task->priority), task->tenant, [this, task] { guarded(*task, [&] { plan(task); }); });
  }
}

void ScanRunner::fail_image(const ImageTask& task, const std::string& error) {
  images_failed_.inc();
  log_warn("scan", task.scan + " image " + std::to_string(task.position) + ": " + error);
  if (auto r = until_stored(stopping_, task.scan + " image " + std::to_string(task.position),
                            [&] { return store_.image_failed(task.tenant, task.scan, task.position, error); });
      !r) {
    log_error("scan", r.error().message());
  }
  image_ended(task);
}

void ScanRunner::guarded(const ImageTask& task, const std::function<void()>& step) {
  // An exception in planning or assembling (from a library, or bytes a registry or tenant sent
  // that no parser should have let through) fails this image; the scan and the process go on.
  try {
    step();
  } catch (const std::exception& e) {
    fail_image(task, task.ref + ": internal error: " + e.what());
  } catch (...) {
    fail_image(task, task.ref + ": internal error");
  }
}

void ScanRunner::image_ended(const ImageTask& task) {
  if (!task.ended.exchange(true)) {
    {
      std::lock_guard lock(admission_mutex_);
      --in_flight_;
    }
    admit_images();
  }
  auto finished = until_stored(stopping_, task.scan, [&] { return store_.finish_scan_if_complete(task.tenant, task.scan); });
  if (!finished) {
    log_error("scan", finished.error().message());
  } else if (*finished) {
    log_info("scan", task.scan + " done");
  }
}

Result<void> ScanRunner::holds_blob(TenantId tenant, worker::RegistryClients& clients, const BlobLocation& where,
                                    const LayerInfo& layer) {
  namespace fs = std::filesystem;
  if (!where.file.empty()) {
    std::error_code ec;
    const auto status = fs::status(where.file, ec);
    const bool held = !ec && fs::exists(status) &&
                      (!fs::is_regular_file(status) || layer.size == 0 || fs::file_size(where.file, ec) == layer.size);
    if (!held || ec) return fail(ErrorCode::kNotFound, "the layout does not hold layer " + layer.digest);
    return {};
  }
  // A proof lasts an hour per tenant, repository and blob: a fleet re-scanned every hour asks
  // each registry once per layer, not once per image.
  const std::string proof = std::to_string(tenant) + " " + where.registry + "/" + where.repository + "@" + layer.digest;
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(proofs_mutex_);
    if (const auto it = proofs_.find(proof); it != proofs_.end() && now - it->second < std::chrono::hours(1)) return {};
  }
  auto digest = Digest::parse(layer.digest);
  if (!digest) return std::unexpected(digest.error());
  // Asked with the tenant's own credentials: the proof is that *this tenant* can read the blob.
  auto held = clients.get(where.registry)->has_blob(where.repository, *digest);
  if (!held) return std::unexpected(held.error());
  std::lock_guard lock(proofs_mutex_);
  if (proofs_.size() > 100'000) proofs_.clear();  // bounded; proofs are cheap to make again
  proofs_[proof] = now;
  return {};
}

void ScanRunner::plan(std::shared_ptr<ImageTask> task) {
  auto ref = parse_tenant_reference(task->ref, config_.oci_roots);
  if (!ref) return fail_image(*task, ref.error().message());
  auto clients = config_.registries->for_tenant(task->tenant);
  if (!clients) {
    log_error("scan", "tenant " + std::to_string(task->tenant) + "'s registry credentials: " + clients.error().message());
    return fail_image(*task, task->ref + ": this tenant's stored registry credentials cannot be read; the operator "
                                         "has been told");
  }
  if (config_.secret_rules != nullptr) {
    auto rules = config_.secret_rules->for_tenant(task->tenant);
    if (!rules) {
      log_error("scan", "tenant " + std::to_string(task->tenant) + "'s secret rules: " + rules.error().message());
      return fail_image(*task, task->ref + ": this tenant's secret rules cannot be read now; scan it again shortly");
    }
    task->secret_rules = std::move(*rules);
  }
  const std::string rules_digest = task->secret_rules ? task->secret_rules->digest : std::string();
  worker::InventoryOptions options;
  options.limits = config_.limits;
  options.registries = *clients;
  auto plans = worker::plan_image(*ref, options);
  if (!plans) return fail_image(*task, plans.error().message());
  task->plan = std::move(plans->front());
  const auto& layers = task->plan.inventory.layers;
  task->slots.resize(layers.size());

  // The tenant must hold every layer it asks about: its registry serves the blob, or its layout
  // has the blob file. Only then may an analysis made for someone else be shared with it.
  std::vector<std::size_t> fetched;  // non-foreign layers, by slot
  for (std::size_t i = 0; i < layers.size(); ++i) {
    if (layers[i].foreign) continue;
    if (auto held = holds_blob(task->tenant, **clients, task->plan.blobs[i], layers[i]); !held) {
      return fail_image(*task, task->ref + ": " + held.error().message());
    }
    fetched.push_back(i);
  }
  // A cached analysis (keyed by diff_id) is served only for a blob a worker verified to be that
  // diff_id: a config that names another tenant's diff_id beside a blob of its own gets nothing.
  std::vector<LayerCache::Request> requests;
  for (const std::size_t i : fetched) {
    requests.push_back({layers[i].digest, layers[i].diff_id,
                        layer_cache_key(layers[i].diff_id, config_.analyzer_set, config_.limits, rules_digest)});
  }
  auto cached = cache_.lookup_verified(requests);
  std::vector<std::size_t> misses;
  for (std::size_t k = 0; k < fetched.size(); ++k) {
    if (cached[k]) {
      task->slots[fetched[k]] = std::make_shared<const LayerAnalysis>(std::move(*cached[k]));
    } else {
      misses.push_back(fetched[k]);
    }
  }
  if (auto r = until_stored(stopping_, task->scan + " image " + std::to_string(task->position), [&] {
        return store_.image_planned(task->tenant, task->scan, task->position, task->plan.inventory.digest,
                                    static_cast<int>(fetched.size()), static_cast<int>(fetched.size() - misses.size()));
      });
      !r) {
    log_error("scan", r.error().message());
  }
  if (misses.empty()) return assemble(task);

  // What workers pull for this tenant counts toward its daily quota.
  if (config_.quotas != nullptr) {
    auto refused = config_.quotas->admit_pull(task->tenant);
    if (!refused) return fail_image(*task, task->ref + ": the quota cannot be checked now; scan it again shortly");
    if (*refused) return fail_image(*task, task->ref + ": " + (*refused)->message);
    std::uint64_t bytes = 0;
    for (const std::size_t slot : misses) bytes += layers[slot].size;
    if (auto added = config_.quotas->add_bytes_pulled(task->tenant, bytes); !added) {
      log_error("scan", "counting bytes pulled: " + added.error().message());
    }
  }

  // Workers pull from the registry themselves, with a token good for this repository only.
  std::string pull_token;
  if (ref->transport == Transport::kRegistry) {
    auto token = worker::registry_client(options, ref->registry)->pull_authorization(ref->repository);
    if (!token) return fail_image(*task, token.error().message());
    pull_token = std::move(*token);
  }
  task->remaining.store(static_cast<int>(misses.size()));
  std::vector<LayerNeed> needs;
  for (const std::size_t slot : misses) {
    const LayerInfo& info = layers[slot];
    LayerNeed need;
    need.layer = LayerRequest{info.diff_id, info.digest, info.media_type, info.size, task->plan.blobs[slot], pull_token,
                              task->secret_rules ? task->secret_rules->toml : nullptr, rules_digest};
    need.priority = task->priority;
    need.tenant = task->tenant;
    need.done = [this, task, slot](Result<std::shared_ptr<const LayerAnalysis>> result) {
      layer_arrived(task, slot, std::move(result));
    };
    needs.push_back(std::move(need));
  }
  dispatcher_.request(std::move(needs));
}

void ScanRunner::layer_arrived(const std::shared_ptr<ImageTask>& task, std::size_t slot,
                               Result<std::shared_ptr<const LayerAnalysis>> result) {
  if (result) {
    task->slots[slot] = std::move(*result);
  } else {
    std::lock_guard lock(task->mutex);
    if (task->error.empty()) task->error = result.error().message();
  }
  if (task->remaining.fetch_sub(1) == 1) {
    pool_.post(queue_class(task->priority), task->tenant, [this, task] { guarded(*task, [&] { assemble(task); }); });
  }
}

void ScanRunner::assemble(const std::shared_ptr<ImageTask>& task) {
  {
    std::lock_guard lock(task->mutex);
    if (!task->error.empty()) return fail_image(*task, task->error);
  }
  ImageInventory inventory = task->plan.inventory;
  inventory.ref = task->ref;
  std::vector<LayerRef> refs;
  for (std::size_t i = 0; i < inventory.layers.size(); ++i) {
    if (inventory.layers[i].foreign) continue;
    refs.push_back({inventory.layers[i].diff_id, task->slots[i].get()});
  }
  // The image config's secrets, with the same rules as its layers'.
  worker::finish_inventory(inventory, refs,
                           task->secret_rules ? task->secret_rules->scanner.get() : worker::builtin_secret_scanner().get());
  if (config_.fingerprints != nullptr) {
    for (auto& found : inventory.view.secrets) {
      found.secret.fingerprint = config_.fingerprints->for_tenant(task->tenant, found.secret.fingerprint);
    }
  }

  auto db = config_.vulndb();
  if (!db) return fail_image(*task, db.error().message());
  // The same path as `strata image` with no filters: equal reports.
  Policy policy;
  policy.today = utc_today();
  auto report = assess_image(std::move(inventory), *db, policy);
  if (!report) return fail_image(*task, report.error().message());

  const StoredImage stored{&*report, encode_report_document(*report), config_.analyzer_set};
  if (auto r = until_stored(stopping_, task->scan + " image " + std::to_string(task->position),
                            [&] { return store_.image_done(task->tenant, task->scan, task->position, stored); });
      !r) {
    return fail_image(*task, "storing the report: " + r.error().message());
  }
  images_done_.inc();
  image_seconds_.observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - task->started).count());
  image_ended(*task);
}

std::function<Result<VulnDb*>()> sqlite_per_thread(std::string path) {
  return [path = std::move(path)]() -> Result<VulnDb*> {
    thread_local std::map<std::string, std::unique_ptr<SqliteVulnDb>> opened;
    auto& db = opened[path];
    if (!db) {
      auto made = SqliteVulnDb::open(path, /*create=*/false);
      if (!made) return std::unexpected(made.error());
      db = std::move(*made);
    }
    return db.get();
  };
}

}  // namespace strata::coordinator
