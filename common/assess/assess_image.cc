#include "common/assess/assess_image.h"

namespace strata {

Result<ScanReport> assess_image(ImageInventory inventory, VulnDb* db, Policy policy) {
  ScanReport report;
  MatchReport match;
  if (db != nullptr) {
    auto stamp = db->stamp();
    if (!stamp) return std::unexpected(stamp.error());
    report.db = *stamp;
    match = match_image(inventory.view, *db);
  }
  report.inventory = std::move(inventory);
  report.warnings = std::move(match.warnings);
  policy.image_ref = report.inventory.ref;
  policy.image_digest = report.inventory.digest;
  policy.distro = report.inventory.view.distro;
  report.result = apply_policy(std::move(match.findings), policy);
  apply_policy_to_image(report.inventory, policy, report.result);
  return report;
}

}  // namespace strata
