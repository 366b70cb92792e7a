// Scans and the images they stored, in PostgreSQL. Every operation takes the tenant id and
// filters by it: a foreign id finds nothing, exactly like an unknown one. The only cross-tenant
// reads are the coordinator's own (unfinished scans at start, scans by state for metrics), which
// never reach the API. The other roles: tenancy/tenants (tenants and keys), finding_store
// (findings), job_store (jobs and quarantine).
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
#include "coordinator/store/tenant_id.h"

namespace strata::coordinator {

enum class Priority { kInteractive, kBulk };
std::string_view to_string(Priority priority);
std::optional<Priority> parse_priority(std::string_view text);
// The FairQueue class a priority maps to: interactive first.
inline int queue_class(Priority priority) { return priority == Priority::kInteractive ? 0 : 1; }


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

// The repository and tag of an image reference: what precedes and follows the last ':' after the
// last '/', once any '@digest' is cut off ("registry:5000/app:1.2@sha256:…" → "registry:5000/app",
// "1.2"); no tag → "". The image_refs rows (migration 024) the findings queries filter by.
struct RepositoryTag {
  std::string repository;
  std::string tag;
};
RepositoryTag repository_tag(std::string_view ref);

// A finished image as the coordinator stores it: its report, whose packages and findings become
// rows, and the report document (common/report/report_document.h) every format is rendered from.
struct StoredImage {
  const ScanReport* report = nullptr;
  std::string document;
  std::uint64_t analyzer_set = 0;  // of the inventory: a rescan re-matches only its own set's
};

// What the store holds of an image's report: the document, or for an image stored before
// migration 011, the pre-rendered text of the format asked for (empty when it was not stored).
struct StoredReport {
  std::optional<std::string> document;
  std::optional<std::string> rendered;
  std::uint64_t db_generation = 0;  // the document was assessed with this generation
  bool stale = false;               // a rescan changed its findings since
};

class ScanStore {
 public:
  explicit ScanStore(PgPool& pool) : pool_(pool) {}

  // Runs inside create_scan's transaction before anything is written; an error ends it unwritten
  // (a tenant's quota: checked and consumed atomically, however many requests race).
  using Admission = std::function<Result<void>(PgConnection&)>;
  // `targets`: fleet targets (JSON) the coordinator lists later, adding their images. `labels`
  // (name → value, e.g. a Kubernetes namespace) go to every image the scan stores, for the fleet
  // queries' label filter.
  Result<std::string> create_scan(TenantId tenant, Priority priority, const std::vector<std::string>& refs,
                                  const Admission& admit = {}, const std::optional<std::string>& targets = {},
                                  const std::map<std::string, std::string>& labels = {});
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

  // The image's report document, or what an image stored before documents has in `format`
  // ("json", "inventory", or a format's name); nullopt when the tenant has no such image.
  Result<std::optional<StoredReport>> image_report(TenantId tenant, const std::string& digest,
                                                   const std::string& format);
  // Forgets a stored image (its report, inventory, packages and findings); false when the tenant
  // has no such image.
  Result<bool> delete_image(TenantId tenant, const std::string& digest);

  // Across tenants, for the coordinator's metrics.
  Result<std::map<std::string, std::int64_t>> scans_by_state();

 private:
  PgPool& pool_;
};

}  // namespace strata::coordinator
