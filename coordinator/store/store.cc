#include "coordinator/store/store.h"

#include "common/digest.h"
#include "common/purl.h"
#include "coordinator/store/random_hex.h"

namespace strata::coordinator {
namespace {

template <class T>
std::unexpected<Error> err(const Result<T>& r) {
  return std::unexpected(r.error());
}

// "($1,$2,$3),($4,$5,$6)" for `rows` rows of `columns` parameters.
std::string placeholders(std::size_t rows, std::size_t columns) {
  std::string out;
  std::size_t n = 1;
  for (std::size_t r = 0; r < rows; ++r) {
    out += r > 0 ? ",(" : "(";
    for (std::size_t c = 0; c < columns; ++c) {
      if (c > 0) out += ',';
      out += '$' + std::to_string(n++);
    }
    out += ')';
  }
  return out;
}

// Rows per multi-row statement: PostgreSQL takes at most 65,535 parameters.
constexpr std::size_t kRowsPerStatement = 400;

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

}  // namespace

std::string_view to_string(Priority priority) {
  return priority == Priority::kInteractive ? "interactive" : "bulk";
}

std::optional<Priority> parse_priority(std::string_view text) {
  if (text == "interactive") return Priority::kInteractive;
  if (text == "bulk") return Priority::kBulk;
  return std::nullopt;
}

Result<std::string> Store::create_scan(TenantId tenant, Priority priority, const std::vector<std::string>& refs,
                                       const Admission& admit, const std::optional<std::string>& targets) {
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
    auto s = (*db)->exec("INSERT INTO scans (tenant_id, id, priority, state, targets) VALUES ($1, $2, $3, 'queued', $4)",
                         {t, id, std::string(to_string(priority)), targets});
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

Result<std::optional<ScanRow>> Store::scan(TenantId tenant, const std::string& id) {
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

Result<std::vector<ScanRow>> Store::unfinished_scans() {
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

Result<void> Store::image_planned(TenantId tenant, const std::string& scan, int position, const std::string& digest,
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

Result<void> Store::image_failed(TenantId tenant, const std::string& scan, int position, const std::string& error) {
  auto db = pool_.acquire();
  if (!db) return err(db);
  auto r = (*db)->exec("UPDATE scan_images SET state = 'failed', error = $4, finished_at = now() "
                       "WHERE tenant_id = $1 AND scan_id = $2 AND position = $3",
                       {std::to_string(tenant), scan, std::to_string(position), error});
  if (!r) return err(r);
  return {};
}

Result<void> Store::image_done(TenantId tenant, const std::string& scan, int position, const StoredImage& image) {
  auto db = pool_.acquire();
  if (!db) return err(db);
  const ScanReport& report = *image.report;
  const ImageInventory& inv = report.inventory;
  const std::string t = std::to_string(tenant);
  const std::string generation = std::to_string(report.db.generation);
  return in_transaction(**db, [&]() -> Result<void> {
    const PgParam distro = inv.view.distro ? PgParam(inv.view.distro->namespace_) : std::nullopt;
    auto i = (*db)->exec(
        "INSERT INTO images (tenant_id, digest, ref, config_digest, os, arch, distro, db_generation, report, inventory) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (tenant_id, digest) DO UPDATE SET "
        "ref = EXCLUDED.ref, distro = EXCLUDED.distro, db_generation = EXCLUDED.db_generation, "
        "report = EXCLUDED.report, inventory = EXCLUDED.inventory, last_scanned = now()",
        {t, inv.digest, inv.ref, inv.config_digest, inv.os, inv.arch, distro, generation, image.report_json,
         image.inventory_json});
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
    std::vector<std::vector<PgParam>> report_rows;
    for (const auto& [format, body] : image.other_formats) report_rows.push_back({t, inv.digest, format, body});
    if (auto c = (*db)->copy_in("image_reports", {"tenant_id", "image_digest", "format", "body"}, report_rows); !c) {
      return c;
    }
    std::vector<std::vector<PgParam>> package_rows;
    for (const ImagePackage& ip : inv.view.packages) {
      const Package& p = ip.package;
      package_rows.push_back({t, inv.digest, std::string(strata::to_string(p.ecosystem)), p.name, p.version,
                              p.source_name, p.source_version, p.arch, p.path, ip.layer,
                              package_url(p, inv.view.distro)});
    }
    if (auto c = (*db)->copy_in("packages",
                                {"tenant_id", "image_digest", "ecosystem", "name", "version", "source_name",
                                 "source_version", "arch", "path", "layer", "purl"},
                                package_rows);
        !c) {
      return c;
    }
    const auto& kept = report.result.kept;
    for (std::size_t start = 0; start < kept.size(); start += kRowsPerStatement) {
      const std::size_t n = std::min(kRowsPerStatement, kept.size() - start);
      PgParams params;
      for (std::size_t k = start; k < start + n; ++k) {
        const Finding& f = kept[k];
        const Package& p = f.package.package;
        params.insert(params.end(),
                      {t, inv.digest, f.id, p.name, p.version, p.path, f.installed_version, f.fixed_version,
                       std::string(strata::to_string(f.severity)),
                       f.cvss_score ? PgParam(std::to_string(*f.cvss_score)) : std::nullopt, generation, p.arch});
      }
      auto u = (*db)->exec(
          "INSERT INTO findings (tenant_id, image_digest, vuln_id, package_name, package_version, package_path, "
          "installed_version, fixed_version, severity, cvss_score, db_generation, package_arch) SELECT v.a::bigint, "
          "v.b, v.c, v.d, v.e, v.f, v.g, v.h, v.i, v.j::double precision, v.k::bigint, v.l FROM (VALUES " +
              placeholders(n, 12) +
              ") AS v(a, b, c, d, e, f, g, h, i, j, k, l) ON CONFLICT (tenant_id, image_digest, vuln_id, package_name, "
              "package_version, package_arch, package_path) DO UPDATE SET last_seen = now(), resolved_at = NULL, "
              "installed_version = EXCLUDED.installed_version, fixed_version = EXCLUDED.fixed_version, "
              "severity = EXCLUDED.severity, cvss_score = EXCLUDED.cvss_score, db_generation = EXCLUDED.db_generation",
          params);
      if (!u) return err(u);
    }
    // now() is the transaction's start: what this scan did not find again is resolved.
    auto resolved = (*db)->exec("UPDATE findings SET resolved_at = now() WHERE tenant_id = $1 AND image_digest = $2 "
                                "AND last_seen < now() AND resolved_at IS NULL",
                                {t, inv.digest});
    if (!resolved) return err(resolved);
    auto s = (*db)->exec("UPDATE scan_images SET state = 'done', image_digest = $4, error = NULL, finished_at = now() "
                         "WHERE tenant_id = $1 AND scan_id = $2 AND position = $3",
                         {t, scan, std::to_string(position), inv.digest});
    if (!s) return err(s);
    return {};
  });
}

Result<void> Store::add_listed_images(TenantId tenant, const std::string& scan, const std::vector<std::string>& refs) {
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

Result<void> Store::targets_failed(TenantId tenant, const std::string& scan, const std::string& error) {
  auto db = pool_.acquire();
  if (!db) return err(db);
  auto r = (*db)->exec("UPDATE scans SET targets = NULL, error = $3 WHERE tenant_id = $1 AND id = $2",
                       {std::to_string(tenant), scan, error});
  if (!r) return err(r);
  return {};
}

Result<bool> Store::finish_scan_if_complete(TenantId tenant, const std::string& scan) {
  auto db = pool_.acquire();
  if (!db) return err(db);
  auto r = (*db)->exec("UPDATE scans SET state = 'done', finished_at = now() WHERE tenant_id = $1 AND id = $2 "
                       "AND state <> 'done' AND targets IS NULL AND NOT EXISTS (SELECT 1 FROM scan_images WHERE tenant_id = $1 "
                       "AND scan_id = $2 AND state IN ('queued', 'analyzing'))",
                       {std::to_string(tenant), scan});
  if (!r) return err(r);
  return r->affected() > 0;
}

Result<std::optional<std::string>> Store::image_report(TenantId tenant, const std::string& digest,
                                                     const std::string& format) {
  auto db = pool_.acquire();
  if (!db) return err(db);
  auto r = format == "json"
               ? (*db)->exec("SELECT report FROM images WHERE tenant_id = $1 AND digest = $2",
                             {std::to_string(tenant), digest})
               : (*db)->exec("SELECT body FROM image_reports WHERE tenant_id = $1 AND image_digest = $2 AND format = $3",
                             {std::to_string(tenant), digest, format});
  if (!r) return err(r);
  if (r->rows() == 0) return std::optional<std::string>();
  return std::optional<std::string>(std::string(r->get(0, 0)));
}

Result<std::optional<std::string>> Store::image_inventory(TenantId tenant, const std::string& digest) {
  auto db = pool_.acquire();
  if (!db) return err(db);
  auto r = (*db)->exec("SELECT inventory FROM images WHERE tenant_id = $1 AND digest = $2",
                       {std::to_string(tenant), digest});
  if (!r) return err(r);
  if (r->rows() == 0) return std::optional<std::string>();
  return std::optional<std::string>(std::string(r->get(0, 0)));
}

Result<bool> Store::delete_image(TenantId tenant, const std::string& digest) {
  auto db = pool_.acquire();
  if (!db) return err(db);
  // Its layers, packages, findings and other report formats go with it (ON DELETE CASCADE).
  auto r = (*db)->exec("DELETE FROM images WHERE tenant_id = $1 AND digest = $2", {std::to_string(tenant), digest});
  if (!r) return err(r);
  return r->affected() > 0;
}

Result<std::map<std::string, std::int64_t>> Store::scans_by_state() {
  auto db = pool_.acquire();
  if (!db) return err(db);
  auto r = (*db)->exec("SELECT state, count(*) FROM scans GROUP BY state");
  if (!r) return err(r);
  std::map<std::string, std::int64_t> out;
  for (int i = 0; i < r->rows(); ++i) out.emplace(std::string(r->get(i, 0)), r->integer(i, 1));
  return out;
}

Result<std::uint64_t> Store::max_job_id() {
  auto db = pool_.acquire();
  if (!db) return err(db);
  auto r = (*db)->exec("SELECT COALESCE(max(id), 0) FROM jobs");
  if (!r) return err(r);
  return static_cast<std::uint64_t>(r->integer(0, 0));
}

Result<void> Store::record_jobs(const std::vector<JobEvent>& events) {
  if (events.empty()) return {};
  auto db = pool_.acquire();
  if (!db) return err(db);
  return in_transaction(**db, [&]() -> Result<void> {
    for (std::size_t start = 0; start < events.size(); start += kRowsPerStatement) {
      const std::size_t n = std::min(kRowsPerStatement, events.size() - start);
      PgParams params;
      for (std::size_t k = start; k < start + n; ++k) {
        const JobEvent& e = events[k];
        params.insert(params.end(), {std::to_string(e.id), e.diff_id, e.digest, e.state, std::to_string(e.attempts),
                                     e.worker.empty() ? PgParam() : PgParam(e.worker),
                                     e.error.empty() ? PgParam() : PgParam(e.error)});
      }
      // Events of one job may share a batch; the last one wins, as DISTINCT ON keeps it.
      auto r = (*db)->exec(
          "INSERT INTO jobs (id, diff_id, digest, state, attempts, worker, last_error) "
          "SELECT DISTINCT ON (id) id, diff_id, digest, state, attempts, worker, last_error FROM (SELECT "
          "v.a::bigint AS id, v.b AS diff_id, v.c AS digest, v.d AS state, v.e::int AS attempts, v.f AS worker, "
          "v.g AS last_error, v.ord FROM (VALUES " +
              [&] {
                // placeholders plus an ordinal column so DISTINCT ON can keep the latest
                std::string out;
                std::size_t p = 1;
                for (std::size_t r = 0; r < n; ++r) {
                  out += r > 0 ? ",(" : "(";
                  for (int c = 0; c < 7; ++c) out += '$' + std::to_string(p++) + ",";
                  out += std::to_string(r) + ")";
                }
                return out;
              }() +
              ") AS v(a, b, c, d, e, f, g, ord)) AS x ORDER BY id, ord DESC "
              "ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, attempts = EXCLUDED.attempts, "
              "worker = EXCLUDED.worker, last_error = COALESCE(EXCLUDED.last_error, jobs.last_error), updated_at = now()",
          params);
      if (!r) return err(r);
    }
    return {};
  });
}

Result<void> Store::quarantine_layer(const std::string& diff_id, const std::string& digest, int failures,
                                     const std::string& error) {
  auto db = pool_.acquire();
  if (!db) return err(db);
  auto r = (*db)->exec("INSERT INTO layers (diff_id, digest, size, media_type, failures, last_error, quarantined_at) "
                       "VALUES ($1, $2, 0, '', $3, $4, now()) ON CONFLICT (diff_id) DO UPDATE SET "
                       "failures = EXCLUDED.failures, last_error = EXCLUDED.last_error, quarantined_at = now()",
                       {diff_id, digest, std::to_string(failures), error});
  if (!r) return err(r);
  return {};
}

Result<std::map<std::string, std::string>> Store::quarantined_layers(std::chrono::seconds lasting) {
  auto rows = list_quarantines(lasting);
  if (!rows) return std::unexpected(rows.error());
  std::map<std::string, std::string> out;
  for (auto& q : *rows) out.emplace(std::move(q.diff_id), std::move(q.error));
  return out;
}

Result<std::vector<Store::QuarantineRow>> Store::list_quarantines(std::chrono::seconds lasting) {
  auto db = pool_.acquire();
  if (!db) return err(db);
  auto r = (*db)->exec(
      "SELECT diff_id, digest, coalesce(last_error, ''), failures, "
      "to_char(quarantined_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
      "to_char((quarantined_at + make_interval(secs => $1::bigint)) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
      "FROM layers WHERE quarantined_at IS NOT NULL AND quarantined_at > now() - make_interval(secs => $1::bigint) "
      "ORDER BY quarantined_at, diff_id",
      {std::to_string(lasting.count())});
  if (!r) return err(r);
  std::vector<QuarantineRow> out;
  for (int i = 0; i < r->rows(); ++i) {
    out.push_back({std::string(r->get(i, 0)), std::string(r->get(i, 1)), std::string(r->get(i, 2)),
                   std::string(r->get(i, 4)), std::string(r->get(i, 5)), static_cast<int>(r->integer(i, 3))});
  }
  return out;
}

Result<bool> Store::lift_quarantine(const std::string& diff_id) {
  auto db = pool_.acquire();
  if (!db) return err(db);
  auto r = (*db)->exec("UPDATE layers SET quarantined_at = NULL, quarantine_lifted_at = now(), failures = 0 "
                       "WHERE diff_id = $1 AND quarantined_at IS NOT NULL",
                       {diff_id});
  if (!r) return err(r);
  return r->affected() > 0;
}

Result<std::vector<std::string>> Store::recently_lifted(std::chrono::seconds window) {
  auto db = pool_.acquire();
  if (!db) return err(db);
  auto r = (*db)->exec("SELECT diff_id FROM layers WHERE quarantined_at IS NULL AND quarantine_lifted_at > "
                       "now() - make_interval(secs => $1::bigint)",
                       {std::to_string(window.count())});
  if (!r) return err(r);
  std::vector<std::string> out;
  for (int i = 0; i < r->rows(); ++i) out.emplace_back(r->get(i, 0));
  return out;
}

}  // namespace strata::coordinator
