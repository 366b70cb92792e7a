#include "coordinator/store/fleet_stats_refresher.h"

#include "common/log.h"

namespace strata::coordinator {

void FleetStatsRefresher::start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void FleetStatsRefresher::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void FleetStatsRefresher::run() {
  std::unique_lock lock(mu_);
  while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    auto counted = stats_.refresh_stale();
    if (!counted) log_error("fleet", "counting the fleet's aggregates: " + counted.error().message());
    else if (*counted > 0) log_info("fleet", "counted the aggregates of " + std::to_string(*counted) + " tenants again");
    lock.lock();
  }
}

}  // namespace strata::coordinator
