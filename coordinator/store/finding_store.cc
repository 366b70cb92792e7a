#include "coordinator/store/finding_store.h"

#include <set>
#include <utility>

#include "coordinator/store/sql.h"

namespace strata::coordinator {

using sql::err;
using sql::kRowsPerStatement;
using sql::placeholders;

Result<void> FindingStore::record(PgConnection& db, TenantId tenant, const std::string& image_id,
                                  const ScanReport& report) {
  const std::string t = std::to_string(tenant);
  const std::string generation = std::to_string(report.db.generation);
  const auto& kept = report.result.kept;
  for (std::size_t start = 0; start < kept.size(); start += kRowsPerStatement) {
    const std::size_t n = std::min(kRowsPerStatement, kept.size() - start);
    PgParams params;
    for (std::size_t k = start; k < start + n; ++k) {
      const Finding& f = kept[k];
      const Package& p = f.package.package;
      params.insert(params.end(), {t, image_id, f.id, p.name, p.version, p.path, f.installed_version, f.fixed_version,
                                   std::string(strata::to_string(f.severity)),
                                   f.cvss_score ? PgParam(std::to_string(*f.cvss_score)) : std::nullopt, generation,
                                   p.arch, std::string(strata::to_string(p.ecosystem))});
    }
    auto u = db.exec(
        "INSERT INTO findings (tenant_id, image_id, vuln_id, package_name, package_version, package_path, "
        "installed_version, fixed_version, severity, cvss_score, db_generation, package_arch, ecosystem) SELECT v.a::bigint, "
        "v.b::bigint, v.c, v.d, v.e, v.f, v.g, v.h, v.i, v.j::double precision, v.k::bigint, v.l, v.m FROM (VALUES " +
            placeholders(n, 13) +
            ") AS v(a, b, c, d, e, f, g, h, i, j, k, l, m) ON CONFLICT (tenant_id, image_id, vuln_id, package_name, "
            "package_version, package_arch, package_path) DO UPDATE SET last_seen = now(), resolved_at = NULL, "
            "installed_version = EXCLUDED.installed_version, fixed_version = EXCLUDED.fixed_version, "
            "severity = EXCLUDED.severity, cvss_score = EXCLUDED.cvss_score, db_generation = EXCLUDED.db_generation, "
            "ecosystem = EXCLUDED.ecosystem",
        params);
    if (!u) return err(u);
  }
  // The aliases a fleet query by any of them finds these findings by; in order, so that two
  // scans storing the same pairs at once wait for each other instead of deadlocking.
  std::set<std::pair<std::string, std::string>> aliases;
  for (const Finding& f : kept) {
    for (const std::string& alias : f.aliases) aliases.emplace(f.id, alias);
  }
  const std::vector<std::pair<std::string, std::string>> pairs(aliases.begin(), aliases.end());
  for (std::size_t start = 0; start < pairs.size(); start += kRowsPerStatement) {
    const std::size_t n = std::min(kRowsPerStatement, pairs.size() - start);
    PgParams params;
    for (std::size_t k = start; k < start + n; ++k) params.insert(params.end(), {pairs[k].first, pairs[k].second});
    auto a = db.exec("INSERT INTO finding_aliases (vuln_id, alias) SELECT v.a, v.b FROM (VALUES " + placeholders(n, 2) +
                         ") AS v(a, b) ORDER BY 1, 2 ON CONFLICT DO NOTHING",
                     params);
    if (!a) return err(a);
  }
  // now() is the transaction's start: what this scan did not find again is resolved.
  auto resolved = db.exec("UPDATE findings SET resolved_at = now() WHERE image_id = $1 AND last_seen < now() AND "
                          "resolved_at IS NULL",
                          {image_id});
  if (!resolved) return err(resolved);
  return {};
}

Result<std::vector<FindingRow>> FindingStore::findings(TenantId tenant, const std::string& image_digest) {
  auto db = pool_.acquire();
  if (!db) return err(db);
  auto r = (*db)->exec(
      "SELECT vuln_id, package_name, package_version, severity, "
      "to_char(first_seen AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), "
      "to_char(resolved_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') "
      "FROM findings WHERE image_id = (SELECT id FROM images WHERE tenant_id = $1 AND digest = $2) "
      "ORDER BY vuln_id, package_name, package_version",
      {std::to_string(tenant), image_digest});
  if (!r) return err(r);
  std::vector<FindingRow> out;
  for (int i = 0; i < r->rows(); ++i) {
    out.push_back({std::string(r->get(i, 0)), std::string(r->get(i, 1)), std::string(r->get(i, 2)),
                   std::string(r->get(i, 3)), std::string(r->get(i, 4)), r->optional(i, 5)});
  }
  return out;
}

}  // namespace strata::coordinator
