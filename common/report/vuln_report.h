// The vulnerability report of one image (`strata image`): schema "strata.report/v1" as JSON, and
// the table people read in a terminal. Plain values in, text out.
#pragma once

#include <cstdint>
#include <string>

#include "common/inventory.h"
#include "common/match/matcher.h"
#include "common/vulndb/vuln_db.h"
#include "common/policy/filter.h"

namespace strata {

struct ScanReport {
  ImageInventory inventory;
  DbStamp db;
  FilterResult result;
  std::vector<std::string> warnings;  // from matching
};

std::string report_json(const ScanReport& report);
std::string report_table(const ScanReport& report, bool color);

}  // namespace strata
