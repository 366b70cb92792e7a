// Per-tenant quotas: scans per minute, images per scan, images stored, layer bytes pulled per UTC
// day. The coordinator's flags set the defaults; an operator sets a tenant's own
// (`strata-coordinator tenant quota`). A refusal says which quota, its value, and when to try
// again; the API answers it with 429 and Retry-After.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "coordinator/store/pg.h"
#include "coordinator/store/tenant_id.h"

namespace strata::coordinator {

struct QuotaLimits {
  std::int64_t scans_per_minute = 60;
  std::int64_t images_per_scan = 10'000;
  std::int64_t stored_images = 100'000;
  std::int64_t bytes_pulled_per_day = std::int64_t{1} << 40;  // 1 TiB
};

// A tenant's own values; unset ones take the default.
struct QuotaOverrides {
  std::optional<std::int64_t> scans_per_minute, images_per_scan, stored_images, bytes_pulled_per_day;
};

struct QuotaRefusal {
  std::string message;
  std::chrono::seconds retry_after{1};
};

struct QuotaUsage {
  QuotaLimits limits;
  std::int64_t scans_last_minute = 0;
  std::int64_t stored_images = 0;
  std::int64_t bytes_pulled_today = 0;
};

class Quotas {
 public:
  Quotas(PgPool& pool, QuotaLimits defaults) : pool_(pool), defaults_(defaults) {}

  const QuotaLimits& defaults() const { return defaults_; }
  Result<QuotaLimits> limits(TenantId tenant);
  Result<void> set(TenantId tenant, const QuotaOverrides& overrides);
  Result<QuotaUsage> usage(TenantId tenant);

  // Inside the transaction that creates a scan of `images` images (ScanStore::Admission): a refusal,
  // or nothing. The tenant's admissions are serialized by an advisory lock, so that concurrent
  // requests cannot all squeeze under the per-minute limit.
  Result<std::optional<QuotaRefusal>> admit_scan(PgConnection& db, TenantId tenant, std::size_t images);
  // Before a scan's image sends work to workers: refused once today's bytes are used up.
  Result<std::optional<QuotaRefusal>> admit_pull(TenantId tenant);
  Result<void> add_bytes_pulled(TenantId tenant, std::uint64_t bytes);

 private:
  Result<QuotaLimits> limits_on(PgConnection& db, TenantId tenant);

  PgPool& pool_;
  QuotaLimits defaults_;
};

}  // namespace strata::coordinator
