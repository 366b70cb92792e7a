// The fleet's aggregates per tenant (migration 025): open findings by severity for the tenant and
// for each image, each vulnerability's images and findings, each layer's findings, and each feed
// generation's counts for the trend. Counting them reads every open finding of the tenant, so it
// is done after the findings changed, not on each request: a request counts again only when the
// counts are older than `max_age` and stale (some scan, rescan or deletion changed the findings
// since); otherwise it is answered from the counts as they are, with when they were made. A
// background refresher (refresh_stale) keeps them current between requests.
//
// Thread safety: used from the API's threads and the refresher's at once; each call takes a
// connection of its own, and one tenant is counted by one caller at a time (an advisory lock):
// others wait for that count instead of making their own.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/error.h"
#include "coordinator/store/pg.h"
#include "coordinator/store/tenant_id.h"

namespace strata::coordinator {

class FleetStats {
 public:
  FleetStats(PgPool& pool, std::chrono::seconds max_age) : pool_(pool), max_age_(max_age) {}

  // Counts the tenant's aggregates again if they were never counted, or are stale and older than
  // max_age. Returns when they were counted (UTC, RFC 3339).
  Result<std::string> fresh(TenantId tenant);
  // Counts them again now; with `if_stale`, only if no other count made them current while this
  // one waited for its turn.
  Result<void> count(TenantId tenant, bool if_stale = false);
  // Counts again every tenant whose aggregates are stale; how many were. For the refresher.
  Result<std::size_t> refresh_stale();

 private:
  PgPool& pool_;
  std::chrono::seconds max_age_;
};

}  // namespace strata::coordinator
