// A token bucket per tenant: `burst` requests at once, refilled at `per_second`. In memory, per
// coordinator: it keeps one tenant from monopolising a coordinator's threads and database
// connections; the quotas that must hold across coordinators (scans per minute, bytes pulled)
// are counted in PostgreSQL instead.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>

#include "coordinator/store/tenant_id.h"

namespace strata::coordinator {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  RateLimiter(double per_second, double burst) : per_second_(per_second), burst_(burst) {}

  // Takes a token; when there is none, how long until there is one.
  std::optional<std::chrono::milliseconds> take(TenantId tenant, Clock::time_point now = Clock::now());

 private:
  struct Bucket {
    double tokens;
    Clock::time_point at;
  };
  double per_second_;
  double burst_;
  std::mutex mutex_;
  std::map<TenantId, Bucket> buckets_;
};

}  // namespace strata::coordinator
