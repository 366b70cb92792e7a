// What the coordinator keeps in PostgreSQL, as domain operations. Every operation on tenant-owned
// rows takes the tenant id and filters by it: a foreign id finds nothing, exactly like an unknown
// one. The only cross-tenant reads are the scheduler's (unfinished scans at start, quarantined
// layers), which never reach the API.
#pragma once

#include <cstdint>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/report/vuln_report.h"
#include "coordinator/store/pg.h"

namespace strata::coordinator {

enum class Priority { kInteractive, kBulk };
std::string_view to_string(Priority priority);
std::optional<Priority> parse_priority(std::string_view text);
// The FairQueue class a priority maps to: interactive first.
inline int queue_class(Priority priority) { return priority == Priority::kInteractive ? 0 : 1; }

using TenantId = std::int64_t;

struct ScanImageRow {
  int position = 0;
  std::string ref;
  std::string state;  // queued, analyzing, done, failed
  std::optional<std::string> digest;
  int layers_total = 0;
  int layers_cached = 0;
  std::optional<std::string> error;
};

struct ScanRow {
  TenantId tenant = 0;
  std::string id;
  Priority priority = Priority::kBulk;
  std::string state;  // queued, running, done
  std::string created_at;
  std::optional<std::string> finished_at;
  std::optional<std::string> targets;  // fleet targets still to list (JSON); none once listed
  std::optional<std::string> error;    // why they could not be listed
  std::vector<ScanImageRow> images;
};

// A finished image as the coordinator stores it.
struct StoredImage {
  const ScanReport* report = nullptr;
  std::string report_json;
  std::string inventory_json;
  std::map<std::string, std::string> other_formats{};  // "sarif", "cyclonedx", "csv", "table" → text
};

// A job's state change, written in batches.
struct JobEvent {
  std::uint64_t id = 0;
  std::string diff_id;
  std::string digest;
  std::string state;  // queued, leased, done, failed, quarantined
  int attempts = 0;
  std::string worker;
  std::string error;
};

class Store {
 public:
  explicit Store(PgPool& pool) : pool_(pool) {}

  // Runs inside create_scan's transaction before anything is written; an error ends it unwritten
  // (a tenant's quota: checked and consumed atomically, however many requests race).
  using Admission = std::function<Result<void>(PgConnection&)>;
  // `targets`: fleet targets (JSON) the coordinator lists later, adding their images.
  Result<std::string> create_scan(TenantId tenant, Priority priority, const std::vector<std::string>& refs,
                                  const Admission& admit = {}, const std::optional<std::string>& targets = {});
  // The listed images join the scan after its own, and its targets are cleared.
  Result<void> add_listed_images(TenantId tenant, const std::string& scan, const std::vector<std::string>& refs);
  // The targets could not be listed: cleared, with the error the scan shows.
  Result<void> targets_failed(TenantId tenant, const std::string& scan, const std::string& error);
  Result<std::optional<ScanRow>> scan(TenantId tenant, const std::string& id);
  Result<std::vector<ScanRow>> unfinished_scans();

  Result<void> image_planned(TenantId tenant, const std::string& scan, int position, const std::string& digest,
                             int layers_total, int layers_cached);
  Result<void> image_failed(TenantId tenant, const std::string& scan, int position, const std::string& error);
  Result<void> image_done(TenantId tenant, const std::string& scan, int position, const StoredImage& image);
  // Marks the scan done when none of its images is still queued or analyzing; true if it did.
  Result<bool> finish_scan_if_complete(TenantId tenant, const std::string& scan);

  // The report in `format`: "json" (strata.report/v1) or one of StoredImage::other_formats.
  Result<std::optional<std::string>> image_report(TenantId tenant, const std::string& digest,
                                                  const std::string& format = "json");
  Result<std::optional<std::string>> image_inventory(TenantId tenant, const std::string& digest);
  // Forgets a stored image (its report, inventory, packages and findings); false when the tenant
  // has no such image.
  Result<bool> delete_image(TenantId tenant, const std::string& digest);

  // Across tenants, for the coordinator's metrics.
  Result<std::map<std::string, std::int64_t>> scans_by_state();

  Result<std::uint64_t> max_job_id();
  Result<void> record_jobs(const std::vector<JobEvent>& events);
  Result<void> quarantine_layer(const std::string& diff_id, const std::string& digest, int failures,
                                const std::string& error);
  // Quarantines younger than `lasting` and not lifted: diff_id → the error.
  Result<std::map<std::string, std::string>> quarantined_layers(std::chrono::seconds lasting);
  struct QuarantineRow {
    std::string diff_id, digest, error, quarantined_at, expires_at;
    int failures = 0;
  };
  Result<std::vector<QuarantineRow>> list_quarantines(std::chrono::seconds lasting);
  // Ends a quarantine now; false when the layer was not quarantined.
  Result<bool> lift_quarantine(const std::string& diff_id);
  // Layers lifted in the last `window` (and not quarantined again since), for running coordinators.
  Result<std::vector<std::string>> recently_lifted(std::chrono::seconds window);

 private:
  PgPool& pool_;
};

}  // namespace strata::coordinator
