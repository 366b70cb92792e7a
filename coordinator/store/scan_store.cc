#include "coordinator/store/scan_store.h"

#include <nlohmann/json.hpp>

#include "common/purl.h"
#include "common/vulndb/ecosystem.h"
#include "coordinator/store/finding_store.h"
#include "coordinator/store/random_hex.h"
#include "coordinator/store/sql.h"

namespace strata::coordinator {

using sql::err;
using sql::kRowsPerStatement;
using sql::placeholders;

namespace {

// Queued scan_images rows for `refs`, at positions first, first + 1, … (in the caller's transaction).
Result<void> insert_images(PgConnection& db, const std::string& tenant, const std::string& scan, std::int64_t first,
                           const std::vector<std::string>& refs) {
  for (std::size_t start = 0; start < refs.size(); start += kRowsPerStatement) {
    const std::size_t n = std::min(kRowsPerStatement, refs.size() - start);
    PgParams params;
    for (std::size_t i = start; i < start + n; ++i) {
      params.insert(params.end(), {tenant, scan, std::to_string(first + static_cast<std::int64_t>(i)), refs[i]});
    }
    auto rows = db.exec("INSERT INTO scan_images (tenant_id, scan_id, position, ref, state) SELECT "
                        "v.t::bigint, v.s, v.p::int, v.r, 'queued' FROM (VALUES " +
                            placeholders(n, 4) + ") AS v(t, s, p, r)",
                        params);
    if (!rows) return err(rows);
  }
  return {};
}

// In image_done's transaction: the repository and tag the image was stored as (the tag moves
// here from any other image that had it; that image keeps its repository), and the scan's labels.
Result<void> record_ref_and_labels(PgConnection& db, const std::string& tenant, const std::string& image_id,
                                   const std::string& scan, const std::string& ref) {
  const RepositoryTag at = repository_tag(ref);
  auto refs = db.exec(
      "WITH moved AS (DELETE FROM image_refs WHERE tenant_id = $1 AND repository = $3 AND tag = $4 AND tag <> '' AND "
      "image_id <> $2 RETURNING image_id) INSERT INTO image_refs (tenant_id, image_id, repository, tag) "
      "SELECT $1, image_id, $3, '' FROM moved UNION SELECT $1, $2, $3, $4 ON CONFLICT DO NOTHING",
      {tenant, image_id, at.repository, at.tag});
  if (!refs) return err(refs);
  auto labels = db.exec("INSERT INTO image_labels (tenant_id, image_id, name, value) SELECT $1, $2, l.key, l.value "
                        "FROM scans s, jsonb_each_text(s.labels) l WHERE s.tenant_id = $1 AND s.id = $3 "
                        "ORDER BY 3, 4 ON CONFLICT DO NOTHING",
                        {tenant, image_id, scan});
  if (!labels) return err(labels);
  return {};
}

}  // namespace

RepositoryTag repository_tag(std::string_view ref) {
  const std::string_view named = ref.substr(0, ref.find('@'));
  const std::size_t colon = named.rfind(':');
  const std::size_t slash = named.rfind('/');
  if (colon == std::string_view::npos || (slash != std::string_view::npos && colon < slash)) {
    return {std::string(named), ""};
  }
  return {std::string(named.substr(0, colon)), std::string(named.substr(colon + 1))};
}

std::string_view to_string(Priority priority) {
  return priority == Priority::kInteractive ? "interactive" : "bulk";
}

std::optional<Priority> parse_priority(std::string_view text) {
  if (text == "interactive") return Priority::kInteractive;
  if (text == "bulk") return Priority::kBulk;
  return std::nullopt;
}

Result<std::string> ScanStore::create_scan(TenantId tenant, Priority priority, const std::vector<std::string>& refs,
                                       const Admission& admit, const std::optional<std::string>& targets,
                                       const std::map<std::string, std::string>& labels) {
  auto db = pool_.acquire();
  if (!db) return err(db);
  auto suffix = random_hex(12);
  if (!suffix) return err(suffix);
  const std::string id = "scan-" + *suffix;
  const std::string t = std::to_string(tenant);
  auto r = in_transaction(**db, [&]() -> Result<void> {
    if (admit) {
      if (auto admitted = admit(**db); !admitted) return admitted;
    }
    auto s = (*db)->exec("INSERT INTO scans (tenant_id, id, priority, state, targets, labels) VALUES ($1, $2, $3, "
                         "'queued', $4, $5::jsonb)",
                         {t, id, std::string(to_string(priority)), targets, nlohmann::json(labels).dump()});
    if (!s) return err(s);
    return insert_images(**db, t, id, 0, refs);
  });
  if (!r) return std::unexpected(r.error());
  return id;
}

namespace {

Result<std::vector<ScanImageRow>> load_images(PgConnection& db, TenantId tenant, const std::string& scan) {
  auto r = db.exec("SELECT position, ref, state, image_digest, layers_total, layers_cached, error "
                   "FROM scan_images WHERE tenant_id = $1 AND scan_id = $2 ORDER BY position",
                   {std::to_string(tenant), scan});
  if (!r) return err(r);
  std::vector<ScanImageRow> out;
  for (int i = 0; i < r->rows(); ++i) {
    out.push_back(ScanImageRow{static_cast<int>(r->integer(i, 0)), std::string(r->get(i, 1)),
                               std::string(r->get(i, 2)), r->optional(i, 3), static_cast<int>(r->integer(i, 4)),
                               static_cast<int>(r->integer(i, 5)), r->optional(i, 6)});
  }
  return out;
}

constexpr const char* kScanColumns =
    "tenant_id, id, priority, state, "
    "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), "
    "to_char(finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), targets, error";

ScanRow scan_row(const PgResult& r, int i) {
  ScanRow s;
  s.tenant = r.integer(i, 0);
  s.id = std::string(r.get(i, 1));
  s.priority = parse_priority(r.get(i, 2)).value_or(Priority::kBulk);
  s.state = std::string(r.get(i, 3));
  s.created_at = std::string(r.get(i, 4));
  s.finished_at = r.optional(i, 5);
  s.targets = r.optional(i, 6);
  s.error = r.optional(i, 7);
  return s;
}

}  // namespace

Result<std::optional<ScanRow>> ScanStore::scan(TenantId tenant, const std::string& id) {
  auto db = pool_.acquire();
  if (!db) return err(db);
  auto r = (*db)->exec(std::string("SELECT ") + kScanColumns + " FROM scans WHERE tenant_id = $1 AND id = $2",
                       {std::to_string(tenant), id});
  if (!r) return err(r);
  if (r->rows() == 0) return std::optional<ScanRow>();
  ScanRow s = scan_row(*r, 0);
  auto images = load_images(**db, tenant, id);
  if (!images) return err(images);
  s.images = std::move(*images);
  return std::optional<ScanRow>(std::move(s));
}

Result<std::vector<ScanRow>> ScanStore::unfinished_scans() {
  auto db = pool_.acquire();
  if (!db) return err(db);
  auto r = (*db)->exec(std::string("SELECT ") + kScanColumns + " FROM scans WHERE state <> 'done' ORDER BY created_at");
  if (!r) return err(r);
  std::vector<ScanRow> out;
  for (int i = 0; i < r->rows(); ++i) {
    ScanRow s = scan_row(*r, i);
    auto images = load_images(**db, s.tenant, s.id);
    if (!images) return err(images);
    s.images = std::move(*images);
    out.push_back(std::move(s));
  }
  return out;
}

Result<void> ScanStore::image_planned(TenantId tenant, const std::string& scan, int position, const std::string& digest,
                                  int layers_total, int layers_cached) {
  auto db = pool_.acquire();
  if (!db) return err(db);
  const std::string t = std::to_string(tenant);
  auto r = in_transaction(**db, [&]() -> Result<void> {
    auto u = (*db)->exec("UPDATE scan_images SET state = 'analyzing', image_digest = $4, layers_total = $5, "
                         "layers_cached = $6 WHERE tenant_id = $1 AND scan_id = $2 AND position = $3",
                         {t, scan, std::to_string(position), digest, std::to_string(layers_total),
                          std::to_string(layers_cached)});
    if (!u) return err(u);
    auto s = (*db)->exec("UPDATE scans SET state = 'running' WHERE tenant_id = $1 AND id = $2 AND state = 'queued'",
                         {t, scan});
    if (!s) return err(s);
    return {};
  });
  return r;
}

Result<void> ScanStore::image_failed(TenantId tenant, const std::string& scan, int position, const std::string& error) {
  auto db = pool_.acquire();
  if (!db) return err(db);
  auto r = (*db)->exec("UPDATE scan_images SET state = 'failed', error = $4, finished_at = now() "
                       "WHERE tenant_id = $1 AND scan_id = $2 AND position = $3",
                       {std::to_string(tenant), scan, std::to_string(position), error});
  if (!r) return err(r);
  return {};
}

Result<void> ScanStore::image_done(TenantId tenant, const std::string& scan, int position, const StoredImage& image) {
  auto db = pool_.acquire();
  if (!db) return err(db);
  const ScanReport& report = *image.report;
  const ImageInventory& inv = report.inventory;
  const std::string t = std::to_string(tenant);
  const std::string generation = std::to_string(report.db.generation);
  return in_transaction(**db, [&]() -> Result<void> {
    const PgParam distro = inv.view.distro ? PgParam(inv.view.distro->namespace_) : std::nullopt;
    auto i = (*db)->exec(
        "INSERT INTO images (tenant_id, digest, ref, config_digest, os, arch, distro, db_generation, document, "
        "analyzer_set) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (tenant_id, digest) DO UPDATE SET "
        "ref = EXCLUDED.ref, distro = EXCLUDED.distro, db_generation = EXCLUDED.db_generation, "
        "document = EXCLUDED.document, analyzer_set = EXCLUDED.analyzer_set, document_stale = false, "
        "reanalysis_scan = NULL, "
        "report = NULL, inventory = NULL, last_scanned = now() RETURNING id",
        {t, inv.digest, inv.ref, inv.config_digest, inv.os, inv.arch, distro, generation, image.document,
         std::to_string(image.analyzer_set)});
    if (!i) return err(i);
    for (const char* table : {"image_layers", "packages", "image_reports"}) {
      auto d = (*db)->exec(std::string("DELETE FROM ") + table + " WHERE tenant_id = $1 AND image_digest = $2",
                           {t, inv.digest});
      if (!d) return err(d);
    }
    // Layers are shared content, not tenant-owned: the first image that names one records it.
    PgParams layer_params;
    std::size_t layer_count = 0;
    for (const LayerInfo& l : inv.layers) {
      if (l.diff_id.empty()) continue;
      layer_params.insert(layer_params.end(), {l.diff_id, l.digest, std::to_string(l.size), l.media_type});
      ++layer_count;
    }
    if (layer_count > 0) {
      auto l = (*db)->exec("INSERT INTO layers (diff_id, digest, size, media_type) SELECT v.a, v.b, v.c::bigint, v.d "
                           "FROM (VALUES " + placeholders(layer_count, 4) + ") AS v(a, b, c, d) "
                           "ON CONFLICT (diff_id) DO NOTHING",
                           layer_params);
      if (!l) return err(l);
    }
    std::vector<std::vector<PgParam>> layer_rows;
    for (std::size_t p = 0; p < inv.layers.size(); ++p) {
      layer_rows.push_back({t, inv.digest, std::to_string(p), inv.layers[p].diff_id, inv.layers[p].digest});
    }
    if (auto c = (*db)->copy_in("image_layers", {"tenant_id", "image_digest", "position", "diff_id", "digest"}, layer_rows);
        !c) {
      return c;
    }
    std::vector<std::vector<PgParam>> package_rows;
    for (const ImagePackage& ip : inv.view.packages) {
      const Package& p = ip.package;
      // The key a rescan finds it by (none: no feed can name it, e.g. an OS package without a distro).
      const auto query = match_query(p, inv.view.distro);
      package_rows.push_back({t, inv.digest, std::string(strata::to_string(p.ecosystem)), p.name, p.version,
                              p.source_name, p.source_version, p.arch, p.path, ip.layer,
                              package_url(p, inv.view.distro), query ? PgParam(query->ecosystem_key) : std::nullopt,
                              query ? PgParam(query->package) : std::nullopt,
                              query ? PgParam(query->version) : std::nullopt});
    }
    if (auto c = (*db)->copy_in("packages",
                                {"tenant_id", "image_digest", "ecosystem", "name", "version", "source_name",
                                 "source_version", "arch", "path", "layer", "purl", "match_ecosystem",
                                 "match_package", "match_version"},
                                package_rows);
        !c) {
      return c;
    }
    auto keyed = (*db)->exec("INSERT INTO package_keys (match_ecosystem, match_package, match_version) SELECT DISTINCT "
                             "match_ecosystem, match_package, match_version FROM packages WHERE tenant_id = $1 AND "
                             "image_digest = $2 AND match_ecosystem IS NOT NULL ON CONFLICT DO NOTHING",
                             {t, inv.digest});
    if (!keyed) return err(keyed);
    const std::string image_id(i->get(0, 0));
    if (auto r = FindingStore::record(**db, tenant, image_id, report); !r) return r;
    auto s = (*db)->exec("UPDATE scan_images SET state = 'done', image_digest = $4, error = NULL, finished_at = now() "
                         "WHERE tenant_id = $1 AND scan_id = $2 AND position = $3 RETURNING ref",
                         {t, scan, std::to_string(position), inv.digest});
    if (!s) return err(s);
    // As the tenant named it (the scan's ref), not as the coordinator resolved it.
    if (s->rows() > 0) {
      if (auto r = record_ref_and_labels(**db, t, image_id, scan, std::string(s->get(0, 0))); !r) return r;
    }
    // Last, so that the tenant's row is held only until the commit: the fleet's aggregates are
    // stale now (migration 025).
    auto changed = (*db)->exec("UPDATE fleet_changes SET changes = changes + 1 WHERE tenant_id = $1", {t});
    if (!changed) return err(changed);
    return {};
  });
}

Result<void> ScanStore::add_listed_images(TenantId tenant, const std::string& scan, const std::vector<std::string>& refs) {
  auto db = pool_.acquire();
  if (!db) return err(db);
  const std::string t = std::to_string(tenant);
  return in_transaction(**db, [&]() -> Result<void> {
    // Cleared first, and only once: a second lister of the same scan (another coordinator that
    // resumed it) adds nothing.
    auto cleared = (*db)->exec("UPDATE scans SET targets = NULL WHERE tenant_id = $1 AND id = $2 AND targets IS NOT NULL",
                               {t, scan});
    if (!cleared) return err(cleared);
    if (cleared->affected() == 0) return {};
    auto first = (*db)->exec("SELECT COALESCE(max(position) + 1, 0) FROM scan_images WHERE tenant_id = $1 AND scan_id = $2",
                             {t, scan});
    if (!first) return err(first);
    return insert_images(**db, t, scan, first->integer(0, 0), refs);
  });
}

Result<void> ScanStore::targets_failed(TenantId tenant, const std::string& scan, const std::string& error) {
  auto db = pool_.acquire();
  if (!db) return err(db);
  auto r = (*db)->exec("UPDATE scans SET targets = NULL, error = $3 WHERE tenant_id = $1 AND id = $2",
                       {std::to_string(tenant), scan, error});
  if (!r) return err(r);
  return {};
}

Result<bool> ScanStore::finish_scan_if_complete(TenantId tenant, const std::string& scan) {
  auto db = pool_.acquire();
  if (!db) return err(db);
  auto r = (*db)->exec("UPDATE scans SET state = 'done', finished_at = now() WHERE tenant_id = $1 AND id = $2 "
                       "AND state <> 'done' AND targets IS NULL AND NOT EXISTS (SELECT 1 FROM scan_images WHERE tenant_id = $1 "
                       "AND scan_id = $2 AND state IN ('queued', 'analyzing'))",
                       {std::to_string(tenant), scan});
  if (!r) return err(r);
  return r->affected() > 0;
}

Result<std::optional<StoredReport>> ScanStore::image_report(TenantId tenant, const std::string& digest,
                                                      const std::string& format) {
  auto db = pool_.acquire();
  if (!db) return err(db);
  auto r = (*db)->exec(
      "SELECT document, CASE $3 WHEN 'json' THEN report WHEN 'inventory' THEN inventory ELSE "
      "(SELECT body FROM image_reports WHERE tenant_id = $1 AND image_digest = $2 AND format = $3) END, "
      "db_generation, document_stale FROM images WHERE tenant_id = $1 AND digest = $2",
      {std::to_string(tenant), digest, format});
  if (!r) return err(r);
  if (r->rows() == 0) return std::optional<StoredReport>();
  StoredReport stored;
  if (!r->null(0, 0)) stored.document = std::string(r->get(0, 0));
  if (!r->null(0, 1)) stored.rendered = std::string(r->get(0, 1));
  stored.db_generation = static_cast<std::uint64_t>(r->integer(0, 2));
  stored.stale = r->get(0, 3) == "t";
  return std::optional<StoredReport>(std::move(stored));
}

Result<bool> ScanStore::delete_image(TenantId tenant, const std::string& digest) {
  auto db = pool_.acquire();
  if (!db) return err(db);
  // Its layers, packages, findings and other report formats go with it (ON DELETE CASCADE).
  auto r = (*db)->exec("DELETE FROM images WHERE tenant_id = $1 AND digest = $2", {std::to_string(tenant), digest});
  if (!r) return err(r);
  return r->affected() > 0;
}

Result<std::map<std::string, std::int64_t>> ScanStore::scans_by_state() {
  auto db = pool_.acquire();
  if (!db) return err(db);
  auto r = (*db)->exec("SELECT state, count(*) FROM scans GROUP BY state");
  if (!r) return err(r);
  std::map<std::string, std::int64_t> out;
  for (int i = 0; i < r->rows(); ++i) out.emplace(std::string(r->get(i, 0)), r->integer(i, 1));
  return out;
}

}  // namespace strata::coordinator
