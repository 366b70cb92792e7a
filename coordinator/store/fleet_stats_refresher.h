// Keeps the fleet's aggregates (fleet_stats.h) current between requests: every `interval`, counts
// again each tenant whose findings changed since its last count, on a thread of its own. Several
// coordinators may each run one; a tenant's counts are made by one at a time.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "coordinator/store/fleet_stats.h"

namespace strata::coordinator {

class FleetStatsRefresher {
 public:
  FleetStatsRefresher(FleetStats& stats, std::chrono::milliseconds interval) : stats_(stats), interval_(interval) {}
  ~FleetStatsRefresher() { stop(); }

  void start();
  // Returns once the thread has finished the count under way, if any.
  void stop();

 private:
  void run();
  FleetStats& stats_;
  std::chrono::milliseconds interval_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace strata::coordinator
