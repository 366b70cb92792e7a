// What a CI policy keeps of the findings: a severity set, --ignore-unfixed, and an ignore list
// of ids with optional expiry dates (`.strataignore`: one id per line, "# comment", and
// "CVE-2023-1234 exp:2026-12-31"). Pure.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/inventory.h"
#include "common/match/matcher.h"
#include "common/policy/vex.h"

namespace strata {

struct IgnoreRule {
  std::string id;
  std::string expires;  // "YYYY-MM-DD", empty for never
};

// Parses an ignore file; `name` labels errors ("FILE:LINE: …").
Result<std::vector<IgnoreRule>> parse_ignore_file(std::string_view text, std::string_view name);

struct Policy {
  std::set<SeverityLevel> severities;  // empty: all
  bool ignore_unfixed = false;
  std::vector<IgnoreRule> ignores;
  std::string today;  // "YYYY-MM-DD": rules that expired before it no longer apply
  std::vector<VexStatement> vex;
  std::string image_ref;     // what VEX products may name besides package purls
  std::string image_digest;
  std::optional<Distro> distro;  // for the purls VEX products are compared with
};

struct FilterResult {
  std::vector<Finding> kept;
  std::vector<ImageSecret> secrets;                   // kept by apply_policy_to_image
  std::vector<Misconfiguration> misconfigurations;    // kept by apply_policy_to_image
  std::size_t ignored_by_rule = 0;
  std::size_t filtered_by_severity = 0;
  std::size_t filtered_unfixed = 0;
  std::size_t suppressed_by_vex = 0;
  std::map<std::string, std::size_t> vex_justifications;  // justification (or status) → count
};

FilterResult apply_policy(std::vector<Finding> findings, const Policy& policy);

// The image's secrets and configuration findings under the same severity set and ignore list (a
// line may name a secret rule or a check id, or a secret's fingerprint), added to `result`;
// the suppressed ones are counted with the vulnerabilities'.
void apply_policy_to_image(const ImageInventory& inventory, const Policy& policy, FilterResult& result);

// Vulnerabilities, secrets and configuration findings that remain: what --exit-code counts.
std::size_t remaining_findings(const FilterResult& result);

// Today's date in UTC as "YYYY-MM-DD", for Policy::today (reads the clock).
std::string utc_today();

// "HIGH,CRITICAL" → the set; kInvalidInput naming an unknown level.
Result<std::set<SeverityLevel>> parse_severity_list(std::string_view text);

}  // namespace strata
