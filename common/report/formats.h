// Report formats for tools: SARIF 2.1.0 (code-scanning dashboards), CycloneDX 1.5 JSON (an SBOM
// with its vulnerabilities) and CSV (spreadsheets). Each is a pure function of the report.
#pragma once

#include <string>

#include "common/report/vuln_report.h"

namespace strata {

// https://docs.oasis-open.org/sarif/sarif/v2.1.0/ : one rule per vulnerability id, one result
// per finding located at the package database that lists the package.
std::string report_sarif(const ScanReport& report);

// https://cyclonedx.org/docs/1.5/json/ : every package as a component (bom-ref = purl), the
// image as metadata.component, and one vulnerability entry per finding affecting its package.
std::string report_cyclonedx(const ScanReport& report);

// RFC 4180, one row per finding, with a header row.
std::string report_csv(const ScanReport& report);

}  // namespace strata
