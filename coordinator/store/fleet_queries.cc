#include "coordinator/store/fleet_queries.h"

#include <map>
#include <nlohmann/json.hpp>

#include "coordinator/store/sql.h"

namespace strata::coordinator {

using sql::err;
using sql::string_list;

namespace {

// The refs pointing at image `image_id` (SQL), as a JSON array.
std::string refs_of(const std::string& image_id) {
  return "COALESCE((SELECT json_agg(r.repository || CASE WHEN r.tag = '' THEN '' ELSE ':' || r.tag END ORDER BY "
         "r.repository, r.tag) FROM image_refs r WHERE r.image_id = " + image_id + "), '[]')";
}

// The diff_id of the layer that brought in the package of finding `f` of image `i` (SQL).
constexpr const char* kIntroducedBy =
    "COALESCE((SELECT p.layer FROM packages p WHERE p.tenant_id = f.tenant_id AND p.image_digest = i.digest AND "
    "p.name = f.package_name AND p.version = f.package_version AND p.arch = f.package_arch AND "
    "p.path = f.package_path LIMIT 1), '')";

SeverityCounts counts_at(const PgResult& r, int row, int first) {
  SeverityCounts out{};
  for (int k = 0; k < 5; ++k) out[static_cast<std::size_t>(k)] = r.integer(row, first + k);
  return out;
}

// The finding ids `id` names (itself, or what it is an alias of), as SQL over parameter `param`.
std::string ids_named_by(const std::string& param) {
  return "(SELECT " + param + "::text AS vuln_id UNION SELECT vuln_id FROM finding_aliases WHERE alias = " + param + ")";
}

}  // namespace

std::size_t severity_index(std::string_view severity) {
  if (severity == "CRITICAL") return 0;
  if (severity == "HIGH") return 1;
  if (severity == "MEDIUM") return 2;
  if (severity == "LOW") return 3;
  return 4;
}

namespace {

constexpr const char* kImageColumns = "i.id, i.digest, to_char(i.last_scanned AT TIME ZONE 'UTC', ";

std::vector<ImageSummary> image_summaries(const PgResult& r) {
  std::vector<ImageSummary> out;
  for (int i = 0; i < r.rows(); ++i) {
    ImageSummary s;
    s.id = r.integer(i, 0);
    s.digest = r.get(i, 1);
    s.last_scanned = r.get(i, 2);
    s.db_generation = r.integer(i, 3);
    s.refs = string_list(r.get(i, 4));
    s.open = counts_at(r, i, 5);
    s.fixable = r.integer(i, 10);
    out.push_back(std::move(s));
  }
  return out;
}

// The images of tenant $1 with their counts as columns 5 to 10 (SQL up to the WHERE clause).
std::string images_with_counts() {
  return std::string("SELECT ") + kImageColumns + sql::kUtcTimestamp + "), i.db_generation, " + refs_of("i.id") +
         ", c.* FROM images i LEFT JOIN LATERAL (SELECT " + sql::kOpenCounts +
         " FROM findings f WHERE f.image_id = i.id AND f.tenant_id = i.tenant_id AND f.resolved_at IS NULL) c ON true ";
}

}  // namespace

Result<std::vector<ImageSummary>> FleetQueries::images(TenantId tenant, std::int64_t after_id, std::size_t limit) {
  auto db = pool_.acquire();
  if (!db) return err(db);
  auto r = (*db)->exec(images_with_counts() + "WHERE i.tenant_id = $1 AND i.id > $2 ORDER BY i.id LIMIT $3",
                       {std::to_string(tenant), std::to_string(after_id), std::to_string(limit)});
  if (!r) return err(r);
  return image_summaries(*r);
}

Result<std::vector<ImageSummary>> FleetQueries::worst_images(TenantId tenant, std::size_t limit) {
  if (auto fresh = stats_.fresh(tenant); !fresh) return err(fresh);
  auto db = pool_.acquire();
  if (!db) return err(db);
  auto r = (*db)->exec(std::string("SELECT ") + kImageColumns + sql::kUtcTimestamp + "), i.db_generation, " + refs_of("i.id") +
                           ", c.critical, c.high, c.medium, c.low, c.unknown, c.fixable FROM fleet_image_counts c "
                           "JOIN images i ON i.id = c.image_id WHERE c.tenant_id = $1 ORDER BY c.critical DESC, "
                           "c.high DESC, c.medium DESC, c.low DESC, c.unknown DESC, c.image_id LIMIT $2",
                       {std::to_string(tenant), std::to_string(limit)});
  if (!r) return err(r);
  return image_summaries(*r);
}

Result<std::vector<VulnerabilityImpact>> FleetQueries::top_vulnerabilities(TenantId tenant, std::size_t limit) {
  if (auto fresh = stats_.fresh(tenant); !fresh) return err(fresh);
  auto db = pool_.acquire();
  if (!db) return err(db);
  auto r = (*db)->exec("SELECT vuln_id, severity, images, findings, fixable FROM fleet_vulnerabilities WHERE "
                       "tenant_id = $1 ORDER BY images DESC, findings DESC, vuln_id LIMIT $2",
                       {std::to_string(tenant), std::to_string(limit)});
  if (!r) return err(r);
  std::vector<VulnerabilityImpact> out;
  for (int i = 0; i < r->rows(); ++i) {
    out.push_back({std::string(r->get(i, 0)), std::string(r->get(i, 1)), r->integer(i, 2), r->integer(i, 3),
                   r->integer(i, 4)});
  }
  return out;
}

Result<std::optional<BlastRadius>> FleetQueries::vulnerability(TenantId tenant, const std::string& id,
                                                               std::int64_t after_image, std::size_t limit) {
  auto db = pool_.acquire();
  if (!db) return err(db);
  const std::string t = std::to_string(tenant);
  // The finding ids it names, and every alias those are known by.
  auto ids = (*db)->exec("WITH named AS " + ids_named_by("$1") +
                             " SELECT vuln_id FROM named UNION SELECT a.alias FROM finding_aliases a JOIN named n "
                             "ON a.vuln_id = n.vuln_id ORDER BY 1",
                         {id});
  if (!ids) return err(ids);
  BlastRadius out;
  for (int i = 0; i < ids->rows(); ++i) out.ids.emplace_back(ids->get(i, 0));
  const std::string named = "f.vuln_id IN " + ids_named_by("$2");
  auto known = (*db)->exec("SELECT count(*) FILTER (WHERE f.resolved_at IS NULL), count(DISTINCT f.image_id) FILTER "
                           "(WHERE f.resolved_at IS NULL), count(*) FROM findings f WHERE f.tenant_id = $1 AND " + named,
                           {t, id});
  if (!known) return err(known);
  if (known->integer(0, 2) == 0) return std::optional<BlastRadius>();
  out.findings = known->integer(0, 0);
  out.images = known->integer(0, 1);
  auto repos = (*db)->exec("SELECT DISTINCT r.repository FROM image_refs r WHERE r.tenant_id = $1 AND r.image_id IN "
                           "(SELECT f.image_id FROM findings f WHERE f.tenant_id = $1 AND f.resolved_at IS NULL AND " +
                               named + ") ORDER BY 1",
                           {t, id});
  if (!repos) return err(repos);
  for (int i = 0; i < repos->rows(); ++i) out.repositories.emplace_back(repos->get(i, 0));
  auto rows = (*db)->exec(
      std::string("WITH page AS (SELECT DISTINCT f.image_id FROM findings f WHERE f.tenant_id = $1 AND "
                  "f.resolved_at IS NULL AND ") + named + " AND f.image_id > $3 ORDER BY 1 LIMIT $4) "
          "SELECT f.image_id, i.digest, " + refs_of("f.image_id") + ", f.package_name, f.package_version, f.ecosystem, "
          "f.installed_version, f.fixed_version, f.severity, " + kIntroducedBy + ", to_char(f.first_seen AT TIME ZONE "
          "'UTC', " + sql::kUtcTimestamp + ") FROM findings f JOIN page ON page.image_id = f.image_id JOIN images i ON "
          "i.id = f.image_id WHERE f.tenant_id = $1 AND f.resolved_at IS NULL AND " + named +
          " ORDER BY f.image_id, f.package_name, f.package_version, f.vuln_id",
      {t, id, std::to_string(after_image), std::to_string(limit)});
  if (!rows) return err(rows);
  for (int i = 0; i < rows->rows(); ++i) {
    const std::int64_t image = rows->integer(i, 0);
    if (out.page.empty() || out.page.back().id != image) {
      out.page.push_back({image, std::string(rows->get(i, 1)), string_list(rows->get(i, 2)), {}});
    }
    out.page.back().packages.push_back({std::string(rows->get(i, 3)), std::string(rows->get(i, 4)),
                                        std::string(rows->get(i, 5)), std::string(rows->get(i, 6)), rows->optional(i, 7),
                                        std::string(rows->get(i, 8)), std::string(rows->get(i, 9)),
                                        std::string(rows->get(i, 10))});
  }
  return std::optional<BlastRadius>(std::move(out));
}

Result<FleetSummary> FleetQueries::summary(TenantId tenant, std::size_t generations) {
  auto counted_at = stats_.fresh(tenant);
  if (!counted_at) return err(counted_at);
  auto db = pool_.acquire();
  if (!db) return err(db);
  const std::string t = std::to_string(tenant);
  FleetSummary out;
  out.counted_at = *counted_at;
  auto s = (*db)->exec("SELECT images, critical, high, medium, low, unknown, fixable_critical, fixable_high, "
                       "fixable_medium, fixable_low, fixable_unknown FROM fleet_stats WHERE tenant_id = $1",
                       {t});
  if (!s) return err(s);
  if (s->rows() > 0) {
    out.images = s->integer(0, 0);
    out.open = counts_at(*s, 0, 1);
    out.fixable = counts_at(*s, 0, 6);
  }
  auto trend = (*db)->exec(std::string("SELECT generation, to_char(g.imported_at AT TIME ZONE 'UTC', ") + sql::kUtcTimestamp +
                               "), t.critical, t.high, t.medium, t.low, t.unknown FROM (SELECT * FROM fleet_trend WHERE "
                               "tenant_id = $1 ORDER BY generation DESC LIMIT $2) t JOIN feed_generations g USING "
                               "(generation) ORDER BY generation",
                           {t, std::to_string(generations)});
  if (!trend) return err(trend);
  for (int i = 0; i < trend->rows(); ++i) {
    out.trend.push_back({trend->integer(i, 0), std::string(trend->get(i, 1)), counts_at(*trend, i, 2)});
  }
  return out;
}

Result<std::vector<LayerImpact>> FleetQueries::top_layers(TenantId tenant, std::size_t limit) {
  if (auto fresh = stats_.fresh(tenant); !fresh) return err(fresh);
  auto db = pool_.acquire();
  if (!db) return err(db);
  auto r = (*db)->exec("SELECT diff_id, findings, critical, high, medium, low, unknown, fixable, images FROM fleet_layers "
                       "WHERE tenant_id = $1 ORDER BY fixable DESC, findings DESC, diff_id LIMIT $2",
                       {std::to_string(tenant), std::to_string(limit)});
  if (!r) return err(r);
  std::vector<LayerImpact> out;
  for (int i = 0; i < r->rows(); ++i) {
    LayerImpact l;
    l.diff_id = r->get(i, 0);
    l.findings = r->integer(i, 1);
    l.open = counts_at(*r, i, 2);
    l.fixable = r->integer(i, 7);
    l.images = r->integer(i, 8);
    out.push_back(std::move(l));
  }
  return out;
}

Result<FleetReport> FleetQueries::report(TenantId tenant, std::size_t generations, std::size_t rows) {
  FleetReport out;
  {
    auto db = pool_.acquire();
    if (!db) return err(db);
    auto named = (*db)->exec("SELECT name, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI \"UTC\"') FROM tenants "
                             "WHERE id = $1",
                             {std::to_string(tenant)});
    if (!named) return err(named);
    if (named->rows() > 0) {
      out.tenant = named->get(0, 0);
      out.generated_at = named->get(0, 1);
    }
  }
  auto s = summary(tenant, generations);
  if (!s) return err(s);
  out.images = s->images;
  out.open = s->open;
  out.fixable = s->fixable;
  for (const auto& g : s->trend) out.trend.push_back({g.generation, g.imported_at, g.open});
  auto vulnerabilities = top_vulnerabilities(tenant, rows);
  if (!vulnerabilities) return err(vulnerabilities);
  for (const auto& v : *vulnerabilities) out.vulnerabilities.push_back({v.id, v.severity, v.images, v.findings, v.fixable});
  auto worst = worst_images(tenant, rows);
  if (!worst) return err(worst);
  for (const auto& i : *worst) out.worst_images.push_back({i.refs.empty() ? i.digest : i.refs.front(), i.digest, i.open, i.fixable});
  auto layers = top_layers(tenant, rows);
  if (!layers) return err(layers);
  for (const auto& l : *layers) out.layers.push_back({l.diff_id, l.images, l.findings, l.fixable});
  return out;
}

Result<std::optional<std::vector<LayerFindings>>> FleetQueries::image_layers(TenantId tenant, const std::string& digest) {
  auto db = pool_.acquire();
  if (!db) return err(db);
  const std::string t = std::to_string(tenant);
  auto image = (*db)->exec("SELECT id FROM images WHERE tenant_id = $1 AND digest = $2", {t, digest});
  if (!image) return err(image);
  if (image->rows() == 0) return std::optional<std::vector<LayerFindings>>();
  auto layers = (*db)->exec("SELECT position, diff_id FROM image_layers WHERE tenant_id = $1 AND image_digest = $2 "
                            "ORDER BY position",
                            {t, digest});
  if (!layers) return err(layers);
  std::vector<LayerFindings> out;
  std::map<std::string, std::size_t> by_diff_id;
  for (int i = 0; i < layers->rows(); ++i) {
    LayerFindings l;
    l.position = layers->integer(i, 0);
    l.diff_id = layers->get(i, 1);
    by_diff_id.emplace(l.diff_id, out.size());  // a layer twice in a chain: its first place
    out.push_back(std::move(l));
  }
  // The base: the stored image with the most layers whose whole chain starts this one's.
  auto base = (*db)->exec(
      "WITH mine AS (SELECT position, diff_id FROM image_layers WHERE tenant_id = $1 AND image_digest = $2), "
      "candidates AS (SELECT image_digest FROM image_layers WHERE tenant_id = $1 AND position = 0 AND image_digest <> $2 "
      "AND diff_id = (SELECT diff_id FROM mine WHERE position = 0)) "
      "SELECT b.image_digest, count(*) FROM image_layers b JOIN candidates c ON c.image_digest = b.image_digest "
      "LEFT JOIN mine m ON m.position = b.position AND m.diff_id = b.diff_id WHERE b.tenant_id = $1 "
      "GROUP BY b.image_digest HAVING count(m.position) = count(*) AND count(*) < (SELECT count(*) FROM mine) "
      "ORDER BY 2 DESC, 1 LIMIT 1",
      {t, digest});
  if (!base) return err(base);
  if (base->rows() > 0) {
    const std::string base_digest(base->get(0, 0));
    auto refs = (*db)->exec("SELECT " + refs_of("(SELECT id FROM images WHERE tenant_id = $1 AND digest = $2)"),
                            {t, base_digest});
    if (!refs) return err(refs);
    const auto base_refs = string_list(refs->get(0, 0));
    for (auto& l : out) {
      if (l.position < base->integer(0, 1)) {
        l.base_image = base_digest;
        l.base_refs = base_refs;
      }
    }
  }
  auto rows = (*db)->exec(std::string("SELECT ") + kIntroducedBy + ", f.vuln_id, f.package_name, f.package_version, "
                              "f.ecosystem, f.installed_version, f.fixed_version, f.severity, to_char(f.first_seen AT "
                              "TIME ZONE 'UTC', " + sql::kUtcTimestamp + ") FROM findings f JOIN images i ON i.id = f.image_id "
                              "WHERE f.image_id = $2 AND f.tenant_id = $1 AND f.resolved_at IS NULL "
                              "ORDER BY f.vuln_id, f.package_name, f.package_version",
                          {t, std::string(image->get(0, 0))});
  if (!rows) return err(rows);
  for (int i = 0; i < rows->rows(); ++i) {
    const std::string layer(rows->get(i, 0));
    auto at = by_diff_id.find(layer);
    if (at == by_diff_id.end()) {
      // A package no stored layer names (an image stored without its layers): a group of its own.
      at = by_diff_id.emplace(layer, out.size()).first;
      out.push_back(LayerFindings{-1, layer, std::nullopt, {}, {}, {}, {}});
    }
    LayerFindings& l = out[at->second];
    AffectedPackage p{std::string(rows->get(i, 2)), std::string(rows->get(i, 3)), std::string(rows->get(i, 4)),
                      std::string(rows->get(i, 5)), rows->optional(i, 6), std::string(rows->get(i, 7)), layer,
                      std::string(rows->get(i, 8))};
    ++l.open[severity_index(p.severity)];
    l.findings.push_back(std::move(p));
    l.vuln_ids.emplace_back(rows->get(i, 1));
  }
  return std::optional<std::vector<LayerFindings>>(std::move(out));
}

}  // namespace strata::coordinator
