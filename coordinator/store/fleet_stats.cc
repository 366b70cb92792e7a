#include "coordinator/store/fleet_stats.h"

#include "coordinator/store/sql.h"

namespace strata::coordinator {

using sql::err;

namespace {

Result<void> run(PgConnection& db, const std::string& sql, const PgParams& params = {}) {
  auto r = db.exec(sql, params);
  if (!r) return err(r);
  return {};
}

// The tenant's counts of one snapshot, written over the last ones. The caller holds the
// tenant's counting lock and this connection's transaction.
Result<void> count_in(PgConnection& db, const std::string& t) {
  // The changes these counts include: those committed before this transaction's snapshot.
  auto changes = db.exec("SELECT COALESCE((SELECT changes FROM fleet_changes WHERE tenant_id = $1), 0)", {t});
  if (!changes) return err(changes);
  const std::string counted(changes->get(0, 0));
  for (const char* table : {"fleet_image_counts", "fleet_vulnerabilities", "fleet_layers"}) {
    if (auto r = run(db, std::string("DELETE FROM ") + table + " WHERE tenant_id = $1", {t}); !r) return r;
  }
  if (auto r = run(db, std::string("INSERT INTO fleet_image_counts SELECT i.tenant_id, i.id, ") + sql::kOpenCounts +
                           " FROM images i LEFT JOIN findings f ON f.image_id = i.id AND f.tenant_id = i.tenant_id AND "
                           "f.resolved_at IS NULL WHERE i.tenant_id = $1 GROUP BY i.tenant_id, i.id",
                   {t});
      !r) {
    return r;
  }
  // An image without open findings joins one NULL row, which no FILTER counts.
  if (auto r = run(db,
                   "INSERT INTO fleet_vulnerabilities SELECT $1::bigint, f.vuln_id, (ARRAY['CRITICAL', 'HIGH', 'MEDIUM', "
                   "'LOW', 'UNKNOWN'])[min(CASE f.severity WHEN 'CRITICAL' THEN 1 WHEN 'HIGH' THEN 2 WHEN 'MEDIUM' "
                   "THEN 3 WHEN 'LOW' THEN 4 ELSE 5 END)], count(DISTINCT f.image_id), count(*), count(*) FILTER "
                   "(WHERE COALESCE(f.fixed_version, '') <> '') FROM findings f WHERE f.tenant_id = $1 AND "
                   "f.resolved_at IS NULL GROUP BY f.vuln_id",
                   {t});
      !r) {
    return r;
  }
  // Each finding is the layer's that brought its package in: its image's package row of the same
  // name, version, arch and path, found by one hash join of the tenant's findings with its
  // packages (a lookup a finding read a few hundred package rows each).
  if (auto r = run(db,
                   "INSERT INTO fleet_layers SELECT $1::bigint, a.layer, (SELECT count(DISTINCT l.image_digest) FROM "
                   "image_layers l WHERE l.tenant_id = $1 AND l.diff_id = a.layer), count(*), count(*) FILTER (WHERE "
                   "COALESCE(a.fixed_version, '') <> ''), count(*) FILTER (WHERE a.severity = 'CRITICAL'), count(*) "
                   "FILTER (WHERE a.severity = 'HIGH'), count(*) FILTER (WHERE a.severity = 'MEDIUM'), count(*) FILTER "
                   "(WHERE a.severity = 'LOW'), count(*) FILTER (WHERE a.severity NOT IN ('CRITICAL', 'HIGH', 'MEDIUM', "
                   "'LOW')) FROM (SELECT f.severity, f.fixed_version, p.layer FROM findings f JOIN images i ON i.id = "
                   "f.image_id JOIN (SELECT image_digest, name, version, arch, path, min(layer) AS layer FROM packages "
                   "WHERE tenant_id = $1 GROUP BY 1, 2, 3, 4, 5) p ON p.image_digest = i.digest AND p.name = "
                   "f.package_name AND p.version = f.package_version AND p.arch = f.package_arch AND p.path = "
                   "f.package_path WHERE f.tenant_id = $1 AND f.resolved_at IS NULL AND i.tenant_id = $1) a WHERE "
                   "a.layer <> '' GROUP BY a.layer",
                   {t});
      !r) {
    return r;
  }
  if (auto r = run(db,
                   "INSERT INTO fleet_stats SELECT $1::bigint, $2::bigint, now(), count(*), sum(critical), sum(high), "
                   "sum(medium), sum(low), sum(unknown), 0, 0, 0, 0, 0 FROM fleet_image_counts WHERE tenant_id = $1 "
                   "ON CONFLICT (tenant_id) DO UPDATE SET counted_changes = EXCLUDED.counted_changes, counted_at = "
                   "EXCLUDED.counted_at, images = EXCLUDED.images, critical = EXCLUDED.critical, high = EXCLUDED.high, "
                   "medium = EXCLUDED.medium, low = EXCLUDED.low, unknown = EXCLUDED.unknown",
                   {t, counted});
      !r) {
    return r;
  }
  // Fixable findings by severity, from the same snapshot.
  if (auto r = run(db,
                   "UPDATE fleet_stats s SET fixable_critical = c.a, fixable_high = c.b, fixable_medium = c.c, "
                   "fixable_low = c.d, fixable_unknown = c.e FROM (SELECT count(*) FILTER (WHERE f.severity = "
                   "'CRITICAL') AS a, count(*) FILTER (WHERE f.severity = 'HIGH') AS b, count(*) FILTER (WHERE "
                   "f.severity = 'MEDIUM') AS c, count(*) FILTER (WHERE f.severity = 'LOW') AS d, count(*) FILTER "
                   "(WHERE f.severity NOT IN ('CRITICAL', 'HIGH', 'MEDIUM', 'LOW')) AS e FROM findings f WHERE "
                   "f.tenant_id = $1 AND f.resolved_at IS NULL AND COALESCE(f.fixed_version, '') <> '') c "
                   "WHERE s.tenant_id = $1",
                   {t});
      !r) {
    return r;
  }
  // The newest feed generation's point of the trend is these counts.
  return run(db,
             "INSERT INTO fleet_trend SELECT s.tenant_id, g.generation, s.counted_at, s.critical, s.high, s.medium, s.low, "
             "s.unknown FROM fleet_stats s, (SELECT max(generation) AS generation FROM feed_generations) g WHERE "
             "s.tenant_id = $1 AND g.generation IS NOT NULL ON CONFLICT (tenant_id, generation) DO UPDATE SET "
             "counted_at = EXCLUDED.counted_at, critical = EXCLUDED.critical, high = EXCLUDED.high, medium = "
             "EXCLUDED.medium, low = EXCLUDED.low, unknown = EXCLUDED.unknown",
             {t});
}

}  // namespace

Result<void> FleetStats::count(TenantId tenant, bool if_stale) {
  auto db = pool_.acquire();
  if (!db) return err(db);
  const std::string t = std::to_string(tenant);
  // The row writers add their changes to, before the snapshot: a change committed after it is
  // then never lost.
  // Only when missing: an insert would wait for a writer holding the row until it commits.
  if (auto r = run(**db, "INSERT INTO fleet_changes (tenant_id) SELECT $1::bigint WHERE NOT EXISTS (SELECT 1 FROM "
                         "fleet_changes WHERE tenant_id = $1) ON CONFLICT DO NOTHING",
                   {t});
      !r) {
    return r;
  }
  // One count of a tenant at a time, taken before the snapshot, so that a count that waited
  // reads what the one before it wrote. A session lock: released below, or with the session.
  const std::string key = "hashtextextended('strata.fleet_stats.' || $1, 0)";
  if (auto r = run(**db, "SELECT pg_advisory_lock(" + key + ")", {t}); !r) return r;
  auto counted = [&]() -> Result<void> {
    if (if_stale) {
      auto current = (*db)->exec("SELECT 1 FROM fleet_stats s JOIN fleet_changes c USING (tenant_id) WHERE "
                                 "s.tenant_id = $1 AND s.counted_changes >= c.changes",
                                 {t});
      if (!current) return err(current);
      if (current->rows() > 0) return {};
    }
    if (auto r = run(**db, "BEGIN ISOLATION LEVEL REPEATABLE READ"); !r) return r;
    if (auto r = run(**db, "SET LOCAL work_mem = '256MB'"); !r) {
      (void)(*db)->exec("ROLLBACK");
      return r;
    }
    if (auto r = count_in(**db, t); !r) {
      (void)(*db)->exec("ROLLBACK");
      return r;
    }
    return run(**db, "COMMIT");
  }();
  auto unlocked = run(**db, "SELECT pg_advisory_unlock(" + key + ")", {t});
  if (!counted) return counted;
  return unlocked;
}

Result<std::string> FleetStats::fresh(TenantId tenant) {
  const std::string t = std::to_string(tenant);
  auto state = [&]() -> Result<std::optional<std::string>> {
    auto db = pool_.acquire();
    if (!db) return err(db);
    // When they were counted, if they may be served: counted, and either current or young enough.
    auto r = (*db)->exec(std::string("SELECT to_char(s.counted_at AT TIME ZONE 'UTC', ") + sql::kUtcTimestamp +
                             "), s.counted_changes >= COALESCE(c.changes, 0) OR s.counted_at > now() - $2::interval "
                             "FROM fleet_stats s LEFT JOIN fleet_changes c ON c.tenant_id = s.tenant_id WHERE "
                             "s.tenant_id = $1",
                         {t, std::to_string(max_age_.count()) + " seconds"});
    if (!r) return err(r);
    if (r->rows() == 0 || r->get(0, 1) != "t") return std::optional<std::string>();
    return std::optional<std::string>(std::string(r->get(0, 0)));
  };
  auto now = state();
  if (!now) return err(now);
  if (*now) return **now;
  if (auto r = count(tenant, /*if_stale=*/true); !r) return std::unexpected(r.error());
  auto after = state();
  if (!after) return err(after);
  if (*after) return **after;
  // Changed again while counting, and max_age is 0: what was just counted is the answer.
  auto db = pool_.acquire();
  if (!db) return err(db);
  auto r = (*db)->exec(std::string("SELECT to_char(counted_at AT TIME ZONE 'UTC', ") + sql::kUtcTimestamp +
                           ") FROM fleet_stats WHERE tenant_id = $1",
                       {t});
  if (!r) return err(r);
  return std::string(r->rows() > 0 ? r->get(0, 0) : "");
}

Result<std::size_t> FleetStats::refresh_stale() {
  std::vector<TenantId> stale;
  {
    auto db = pool_.acquire();
    if (!db) return err(db);
    auto r = (*db)->exec("SELECT c.tenant_id FROM fleet_changes c LEFT JOIN fleet_stats s ON s.tenant_id = c.tenant_id "
                         "WHERE s.tenant_id IS NULL OR c.changes > s.counted_changes ORDER BY c.tenant_id");
    if (!r) return err(r);
    for (int i = 0; i < r->rows(); ++i) stale.push_back(r->integer(i, 0));
  }
  for (const TenantId tenant : stale) {
    if (auto r = count(tenant, /*if_stale=*/true); !r) return std::unexpected(r.error());
  }
  return stale.size();
}

}  // namespace strata::coordinator
