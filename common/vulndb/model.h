// The vulnerability record strata matches against: the OSV schema's shape
// (https://ossf.github.io/osv-schema/), reduced to what matching and reports use. Every feed
// (OSV itself, Alpine secdb, the Debian security tracker) is converted into it on import.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace strata {

enum class SeverityLevel { kUnknown, kLow, kMedium, kHigh, kCritical };

std::string_view to_string(SeverityLevel level);
std::optional<SeverityLevel> parse_severity_level(std::string_view text);  // case-insensitive

struct RangeEvent {
  enum Kind { kIntroduced, kFixed, kLastAffected, kLimit } kind = kIntroduced;
  std::string version;
  bool operator==(const RangeEvent&) const = default;
};

struct AffectedRange {
  enum Type { kEcosystem, kSemver, kGit } type = kEcosystem;
  std::vector<RangeEvent> events;
  bool operator==(const AffectedRange&) const = default;
};

struct Affected {
  std::string ecosystem;  // as the record writes it: "Debian:12", "Ubuntu:22.04:LTS", "PyPI"
  std::string package;
  std::vector<AffectedRange> ranges;
  std::vector<std::string> versions;  // explicitly listed affected versions
  std::string severity;               // a per-package rating some distros give ("low", "high")
  bool operator==(const Affected&) const = default;
};

struct SeverityScore {
  std::string type;   // "CVSS_V3", "CVSS_V4", "CVSS_V2", "Ubuntu", …
  std::string score;  // the vector or rating as written
  bool operator==(const SeverityScore&) const = default;
};

struct Vulnerability {
  std::string id;
  std::vector<std::string> aliases;   // aliases and upstream ids: what makes two records one finding
  std::string summary;
  std::string modified;
  bool withdrawn = false;
  std::vector<SeverityScore> severity;
  std::string source_severity;        // database_specific.severity (GHSA) or a distro urgency
  std::vector<Affected> affected;
  bool operator==(const Vulnerability&) const = default;
};

}  // namespace strata
