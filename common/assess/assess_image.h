// The one path from an image's inventory to its report: match its packages against a
// vulnerability database, apply the policy (ignore rules, severities, unfixed, VEX) to the
// findings and to the image's own secrets and configuration checks, and keep every warning.
// `strata image`, the coordinator's scan runner and (next) the rescanner all call it, so equal
// inventories under equal policies give equal reports wherever they are assessed.
#pragma once

#include "common/error.h"
#include "common/inventory.h"
#include "common/policy/filter.h"
#include "common/report/vuln_report.h"
#include "common/vulndb/vuln_db.h"

namespace strata {

// `db` null: no vulnerability matching (the secret and configuration scanners alone); the
// report then cites no database. The policy's image fields (ref, digest, distro, for VEX) are
// the inventory's. An error only when the database cannot be read.
Result<ScanReport> assess_image(ImageInventory inventory, VulnDb* db, Policy policy);

}  // namespace strata
