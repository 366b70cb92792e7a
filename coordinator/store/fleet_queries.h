// The fleet's questions besides the findings list (finding_query.h): the tenant's images with
// their counts, one vulnerability's blast radius, the summary and its trend across feed
// generations, the layers whose packages carry the most findings, and one image's findings by the
// layer (and the base image) that brought them in. Every read is scoped by the tenant.
//
// Thread safety: used from the API's threads at once; each call takes a connection of its own.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/report/fleet_report.h"
#include "coordinator/store/fleet_stats.h"
#include "coordinator/store/pg.h"
#include "coordinator/store/tenant_id.h"

namespace strata::coordinator {

// Open findings by severity, CRITICAL first: critical, high, medium, low, unknown.
using SeverityCounts = std::array<std::int64_t, 5>;
// The index of a severity name ("HIGH") in SeverityCounts; 4 (unknown) for anything else.
std::size_t severity_index(std::string_view severity);

struct ImageSummary {
  std::int64_t id = 0;  // the cursor of the images list
  std::string digest;
  std::vector<std::string> refs;
  std::string last_scanned;
  std::int64_t db_generation = 0;
  SeverityCounts open{};
  std::int64_t fixable = 0;
};

struct AffectedPackage {
  std::string name;
  std::string version;
  std::string ecosystem;
  std::string installed_version;
  std::optional<std::string> fixed_version;
  std::string severity;
  std::string layer;  // the diff_id of the layer that brought the package in ("" when unknown)
  std::string first_seen;
};
struct AffectedImage {
  std::int64_t id = 0;
  std::string digest;
  std::vector<std::string> refs;
  std::vector<AffectedPackage> packages;
};
struct BlastRadius {
  std::vector<std::string> ids;  // the id asked and every id or alias it is known by
  std::vector<std::string> repositories;
  std::int64_t images = 0;       // every image of the tenant it affects
  std::int64_t findings = 0;
  std::vector<AffectedImage> page;  // images after the cursor, in id order
};

struct GenerationCounts {
  std::int64_t generation = 0;
  std::string imported_at;
  SeverityCounts open{};  // findings open right after the generation was imported
};
struct FleetSummary {
  std::string counted_at;  // when the aggregates were counted (fleet_stats.h)
  std::int64_t images = 0;
  SeverityCounts open{};
  SeverityCounts fixable{};
  std::vector<GenerationCounts> trend;  // oldest first
};

struct LayerImpact {
  std::string diff_id;
  std::int64_t images = 0;    // of the tenant's images that hold the layer
  std::int64_t findings = 0;  // open findings of packages the layer brought in
  std::int64_t fixable = 0;   // of which a fixed version is known: what upgrading removes
  SeverityCounts open{};
};

struct VulnerabilityImpact {
  std::string id;
  std::string severity;  // the highest of its open findings
  std::int64_t images = 0;
  std::int64_t findings = 0;
  std::int64_t fixable = 0;
};

struct LayerFindings {
  std::int64_t position = 0;
  std::string diff_id;
  std::optional<std::string> base_image;  // the stored image whose layers this one starts with
  std::vector<std::string> base_refs;
  SeverityCounts open{};
  std::vector<AffectedPackage> findings;  // each open finding of a package this layer brought in
  std::vector<std::string> vuln_ids;      // in step with `findings`
};

class FleetQueries {
 public:
  // The summary, the images by risk, the top vulnerabilities and layers are read from `stats`.
  FleetQueries(PgPool& pool, FleetStats& stats) : pool_(pool), stats_(stats) {}

  Result<std::vector<ImageSummary>> images(TenantId tenant, std::int64_t after_id, std::size_t limit);
  // The images with the most open findings by severity: the most critical first, then high, …
  Result<std::vector<ImageSummary>> worst_images(TenantId tenant, std::size_t limit);
  // The vulnerabilities open in the most images.
  Result<std::vector<VulnerabilityImpact>> top_vulnerabilities(TenantId tenant, std::size_t limit);
  // nullopt when no finding of the tenant (open or resolved) has the id or an alias of it.
  Result<std::optional<BlastRadius>> vulnerability(TenantId tenant, const std::string& id, std::int64_t after_image,
                                                   std::size_t limit);
  // `generations`: the trend's length, the newest ones (each generation's counts as last counted
  // while it was the newest).
  Result<FleetSummary> summary(TenantId tenant, std::size_t generations);
  Result<std::vector<LayerImpact>> top_layers(TenantId tenant, std::size_t limit);
  // The fleet report (GET /v1/reports/fleet.pdf): the summary, the trend over the newest
  // `generations`, and the top `rows` vulnerabilities, images and layers, as the routes above
  // answer them.
  Result<FleetReport> report(TenantId tenant, std::size_t generations, std::size_t rows);
  // nullopt when the tenant has no such image; its layers bottom first, each with its findings.
  Result<std::optional<std::vector<LayerFindings>>> image_layers(TenantId tenant, const std::string& digest);

 private:
  PgPool& pool_;
  FleetStats& stats_;
};

}  // namespace strata::coordinator
