#include "coordinator/tenancy/quotas.h"

namespace strata::coordinator {
namespace {

template <class T>
std::unexpected<Error> err(const Result<T>& r) {
  return std::unexpected(r.error());
}

// Seconds until the next UTC midnight, when the daily byte quota starts again.
constexpr const char* kUntilMidnight =
    "ceil(extract(epoch FROM (date_trunc('day', now() AT TIME ZONE 'UTC') + interval '1 day') - "
    "(now() AT TIME ZONE 'UTC')))::bigint";

std::string bytes_text(std::int64_t n) {
  if (n >= (std::int64_t{1} << 30)) return std::to_string(n >> 30) + " GiB";
  if (n >= (std::int64_t{1} << 20)) return std::to_string(n >> 20) + " MiB";
  return std::to_string(n) + " bytes";
}

}  // namespace

Result<QuotaLimits> Quotas::limits_on(PgConnection& db, TenantId tenant) {
  auto r = db.exec("SELECT scans_per_minute, images_per_scan, stored_images, bytes_pulled_per_day FROM tenants "
                   "WHERE id = $1",
                   {std::to_string(tenant)});
  if (!r) return err(r);
  QuotaLimits out = defaults_;
  if (r->rows() == 0) return out;
  auto take = [&](int column, std::int64_t& into) {
    if (!r->null(0, column)) into = r->integer(0, column);
  };
  take(0, out.scans_per_minute);
  take(1, out.images_per_scan);
  take(2, out.stored_images);
  take(3, out.bytes_pulled_per_day);
  return out;
}

Result<QuotaLimits> Quotas::limits(TenantId tenant) {
  auto db = pool_.acquire();
  if (!db) return err(db);
  return limits_on(**db, tenant);
}

Result<void> Quotas::set(TenantId tenant, const QuotaOverrides& o) {
  auto db = pool_.acquire();
  if (!db) return err(db);
  auto param = [](const std::optional<std::int64_t>& v) { return v ? PgParam(std::to_string(*v)) : std::nullopt; };
  for (const auto& v : {o.scans_per_minute, o.images_per_scan, o.stored_images, o.bytes_pulled_per_day}) {
    if (v && *v < 0) return fail(ErrorCode::kInvalidInput, "a quota cannot be negative");
  }
  auto r = (*db)->exec("UPDATE tenants SET scans_per_minute = COALESCE($2, scans_per_minute), "
                       "images_per_scan = COALESCE($3, images_per_scan), stored_images = COALESCE($4, stored_images), "
                       "bytes_pulled_per_day = COALESCE($5, bytes_pulled_per_day) WHERE id = $1",
                       {std::to_string(tenant), param(o.scans_per_minute), param(o.images_per_scan),
                        param(o.stored_images), param(o.bytes_pulled_per_day)});
  if (!r) return err(r);
  if (r->affected() == 0) return fail(ErrorCode::kNotFound, "no tenant " + std::to_string(tenant));
  return {};
}

Result<QuotaUsage> Quotas::usage(TenantId tenant) {
  auto db = pool_.acquire();
  if (!db) return err(db);
  auto limits = limits_on(**db, tenant);
  if (!limits) return err(limits);
  const std::string t = std::to_string(tenant);
  auto r = (*db)->exec(
      "SELECT (SELECT count(*) FROM scans WHERE tenant_id = $1 AND created_at > now() - interval '1 minute'), "
      "(SELECT count(*) FROM images WHERE tenant_id = $1), "
      "COALESCE((SELECT bytes_pulled FROM tenant_usage WHERE tenant_id = $1 AND day = (now() AT TIME ZONE 'UTC')::date), 0)",
      {t});
  if (!r) return err(r);
  return QuotaUsage{*limits, r->integer(0, 0), r->integer(0, 1), r->integer(0, 2)};
}

Result<std::optional<QuotaRefusal>> Quotas::admit_scan(PgConnection& db, TenantId tenant, std::size_t images) {
  const std::string t = std::to_string(tenant);
  if (auto lock = db.exec("SELECT pg_advisory_xact_lock(hashtextextended('strata.scan-admission.' || $1, 0))", {t});
      !lock) {
    return err(lock);
  }
  auto limits = limits_on(db, tenant);
  if (!limits) return err(limits);
  if (static_cast<std::int64_t>(images) > limits->images_per_scan) {
    return QuotaRefusal{"the scan names " + std::to_string(images) + " images; this tenant's quota is " +
                            std::to_string(limits->images_per_scan) + " images per scan",
                        std::chrono::seconds(0)};
  }
  // clock_timestamp(), not now(): now() is the transaction's start, which the advisory lock may
  // have kept waiting.
  auto r = db.exec(
      "SELECT count(*), COALESCE(ceil(extract(epoch FROM min(created_at) + interval '1 minute' - clock_timestamp())), 1)::bigint, "
      "(SELECT count(*) FROM images WHERE tenant_id = $1), "
      "COALESCE((SELECT bytes_pulled FROM tenant_usage WHERE tenant_id = $1 AND day = (now() AT TIME ZONE 'UTC')::date), 0), " +
          std::string(kUntilMidnight) +
          " FROM scans WHERE tenant_id = $1 AND created_at > clock_timestamp() - interval '1 minute'",
      {t});
  if (!r) return err(r);
  if (r->integer(0, 0) >= limits->scans_per_minute) {
    return QuotaRefusal{"this tenant's quota of " + std::to_string(limits->scans_per_minute) +
                            " scans per minute is used up",
                        std::chrono::seconds(std::max<std::int64_t>(1, r->integer(0, 1)))};
  }
  if (r->integer(0, 2) >= limits->stored_images) {
    return QuotaRefusal{"this tenant stores " + std::to_string(r->integer(0, 2)) + " images, its quota; delete some "
                            "(DELETE /v1/images/DIGEST) or ask the operator for more",
                        std::chrono::seconds(3600)};
  }
  if (r->integer(0, 3) >= limits->bytes_pulled_per_day) {
    return QuotaRefusal{"this tenant's quota of " + bytes_text(limits->bytes_pulled_per_day) +
                            " of layers pulled per day (UTC) is used up",
                        std::chrono::seconds(std::max<std::int64_t>(1, r->integer(0, 4)))};
  }
  // The scan row this transaction inserts next is what the next admission counts.
  return std::optional<QuotaRefusal>();
}

Result<std::optional<QuotaRefusal>> Quotas::admit_pull(TenantId tenant) {
  auto db = pool_.acquire();
  if (!db) return err(db);
  auto limits = limits_on(**db, tenant);
  if (!limits) return err(limits);
  auto r = (*db)->exec("SELECT COALESCE((SELECT bytes_pulled FROM tenant_usage WHERE tenant_id = $1 AND "
                       "day = (now() AT TIME ZONE 'UTC')::date), 0), " + std::string(kUntilMidnight),
                       {std::to_string(tenant)});
  if (!r) return err(r);
  if (r->integer(0, 0) < limits->bytes_pulled_per_day) return std::optional<QuotaRefusal>();
  return QuotaRefusal{"this tenant's quota of " + bytes_text(limits->bytes_pulled_per_day) +
                          " of layers pulled per day (UTC) is used up",
                      std::chrono::seconds(std::max<std::int64_t>(1, r->integer(0, 1)))};
}

Result<void> Quotas::add_bytes_pulled(TenantId tenant, std::uint64_t bytes) {
  if (bytes == 0) return {};
  auto db = pool_.acquire();
  if (!db) return err(db);
  auto r = (*db)->exec("INSERT INTO tenant_usage (tenant_id, day, bytes_pulled) VALUES ($1, (now() AT TIME ZONE 'UTC')::date, $2) "
                       "ON CONFLICT (tenant_id, day) DO UPDATE SET bytes_pulled = tenant_usage.bytes_pulled + EXCLUDED.bytes_pulled",
                       {std::to_string(tenant), std::to_string(bytes)});
  if (!r) return err(r);
  return {};
}

}  // namespace strata::coordinator
