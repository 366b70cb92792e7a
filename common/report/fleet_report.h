// The fleet report: what a tenant's fleet looks like at one moment (summary, severities, the
// trend over feed generations, the top vulnerabilities, images and layers), as values, and its
// PDF rendering (fleet_pdf.cc, drawn with cairo's PDF surface). The coordinator fills it from the
// same queries its API answers (GET /v1/reports/fleet.pdf); nothing here reads a database.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "common/error.h"

namespace strata {

// Open findings by severity: critical, high, medium, low, unknown.
using FleetSeverityCounts = std::array<std::int64_t, 5>;

struct FleetReport {
  struct TrendPoint {
    std::int64_t generation = 0;
    std::string imported_at;
    FleetSeverityCounts open{};
  };
  struct Vulnerability {
    std::string id;
    std::string severity;
    std::int64_t images = 0;
    std::int64_t findings = 0;
    std::int64_t fixable = 0;
  };
  struct Image {
    std::string name;  // its first ref, or its digest
    std::string digest;
    FleetSeverityCounts open{};
    std::int64_t fixable = 0;
  };
  struct Layer {
    std::string diff_id;
    std::int64_t images = 0;
    std::int64_t findings = 0;
    std::int64_t fixable = 0;
  };

  std::string tenant;
  std::string generated_at;
  std::int64_t images = 0;
  FleetSeverityCounts open{};
  FleetSeverityCounts fixable{};
  std::vector<TrendPoint> trend;  // oldest first
  std::vector<Vulnerability> vulnerabilities;
  std::vector<Image> worst_images;
  std::vector<Layer> layers;
};

// The report as a PDF document (A4, as many pages as its tables need). Text is UTF-8; a cell too
// wide for its column is cut with an ellipsis. An error only if cairo fails (kInternal).
Result<std::string> fleet_report_pdf(const FleetReport& report);

}  // namespace strata
