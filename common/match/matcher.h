// Matching an image's packages against vulnerability records: OSV range evaluation for every
// ecosystem (one evaluator, the ecosystem's comparator plugged in), the distro-only rule for OS
// packages, and merging of records that alias each other into one finding. Pure; the records
// come from a VulnerabilitySource.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/image/layer_merge.h"
#include "common/version/comparator.h"
#include "common/vulndb/ecosystem.h"
#include "common/vulndb/model.h"

namespace strata {

// The records that name a package in an ecosystem (by match key). Implemented by the local
// database file and by an in-memory set for tests.
class VulnerabilitySource {
 public:
  virtual ~VulnerabilitySource() = default;
  virtual Result<std::vector<Vulnerability>> candidates(std::string_view ecosystem_key,
                                                        std::string_view package) = 0;
};

struct AffectedVerdict {
  bool affected = false;
  std::optional<std::string> fixed_version;  // the first fix above the installed version, if any
};

// Whether `version` falls in `affected` (its versions list or any ECOSYSTEM/SEMVER range; GIT
// ranges name commits and are ignored). Events may come in any order. A range whose versions
// the comparator rejects is skipped; if all are, the error is returned.
Result<AffectedVerdict> evaluate_affected(const Affected& affected, std::string_view version,
                                          const VersionComparator& comparator);

struct Finding {
  std::string id;                     // a CVE id when the merged records have one
  std::vector<std::string> aliases;   // every other id, sorted
  std::string summary;
  ImagePackage package;
  std::string installed_version;      // the version compared (the source version for Debian)
  std::optional<std::string> fixed_version;
  SeverityLevel severity = SeverityLevel::kUnknown;
  std::string severity_source;        // "cvss_v3", "ghsa", "debian", "ubuntu", …
  std::optional<double> cvss_score;
  std::string cvss_vector;            // the CVSS v3 vector the score came from
};

struct MatchReport {
  std::vector<Finding> findings;     // sorted by package, then severity (highest first), then id
  std::vector<std::string> warnings; // records or packages that could not be evaluated
};

MatchReport match_image(const ImageView& view, VulnerabilitySource& source);

// One package's findings from the records its query found (the inner step of match_image): each
// record that affects the version, merged by alias; records that cannot be evaluated become
// warnings. What a rescan evaluates once per distinct (ecosystem key, package, version).
std::vector<Finding> match_package(const ImagePackage& package, const MatchQuery& query,
                                   const std::vector<Vulnerability>& records, std::vector<std::string>& warnings);

// The severity a record gives, and where it came from: a CVSS v3 vector's computed score first,
// then a CVSS v4 vector's, then the record's own rating, then the affected package's distro
// rating.
struct RecordSeverity {
  SeverityLevel level = SeverityLevel::kUnknown;
  std::string source;
  std::optional<double> score;
  std::string vector;
};
RecordSeverity record_severity(const Vulnerability& v, const Affected* affected);

}  // namespace strata
