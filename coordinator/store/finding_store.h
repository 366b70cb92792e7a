// Findings: what each stored image's report found, one row per (vulnerability, package), with
// when it was first seen, last seen and resolved (no longer found by a later scan of the image).
// Written inside the scan store's transaction that stores the image; read by tenant and image.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/report/vuln_report.h"
#include "coordinator/store/pg.h"
#include "coordinator/store/tenant_id.h"

namespace strata::coordinator {

struct FindingRow {
  std::string vuln_id;
  std::string package_name;
  std::string package_version;
  std::string severity;
  std::string first_seen;
  std::optional<std::string> resolved_at;
};

class FindingStore {
 public:
  explicit FindingStore(PgPool& pool) : pool_(pool) {}

  // In the caller's transaction, which stored the report's image as `image_id`: the report's
  // findings; a finding seen before keeps its first_seen, and one this report no longer has is
  // resolved.
  static Result<void> record(PgConnection& db, TenantId tenant, const std::string& image_id, const ScanReport& report);

  Result<std::vector<FindingRow>> findings(TenantId tenant, const std::string& image_digest);

 private:
  PgPool& pool_;
};

}  // namespace strata::coordinator
