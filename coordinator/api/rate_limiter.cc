#include "coordinator/api/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace strata::coordinator {

std::optional<std::chrono::milliseconds> RateLimiter::take(TenantId tenant, Clock::time_point now) {
  if (per_second_ <= 0) return std::nullopt;  // unlimited
  std::lock_guard lock(mutex_);
  auto [it, fresh] = buckets_.try_emplace(tenant, Bucket{burst_, now});
  Bucket& b = it->second;
  if (!fresh) {
    const double elapsed = std::chrono::duration<double>(now - b.at).count();
    b.tokens = std::min(burst_, b.tokens + std::max(0.0, elapsed) * per_second_);
    b.at = now;
  }
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return std::nullopt;
  }
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::ceil((1 - b.tokens) / per_second_ * 1000)));
}

}  // namespace strata::coordinator
