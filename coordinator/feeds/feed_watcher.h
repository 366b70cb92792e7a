// Keeps the cluster's findings at the feed store's newest generation: a thread that LISTENs on
// `strata_feeds` (every import notifies it at commit, from any coordinator or admin command) and
// looks again every poll interval in case a notification was lost with a connection. On either,
// it runs the rescan (Rescanner), then assesses the stale documents again in small batches, so a
// coordinator learns of a new generation within seconds and needs no restart. Stopping ends the
// rescan between chunks; the next start resumes it.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "common/metrics/metrics.h"
#include "coordinator/feeds/rescanner.h"

namespace strata::coordinator {

struct FeedWatcherConfig {
  std::string database_url;
  std::chrono::milliseconds poll{5000};
  std::size_t documents_per_batch = 50;
};

class FeedWatcher {
 public:
  // `rescanner` must have been made with stop_flag() as its stop flag.
  FeedWatcher(FeedWatcherConfig config, MetricsRegistry& metrics);
  ~FeedWatcher() { stop(); }

  const std::atomic<bool>* stop_flag() const { return &stopping_; }
  // How the rescanner reports its progress to the metrics.
  std::function<void(std::uint64_t, std::uint64_t)> progress();
  void start(Rescanner& rescanner);
  void stop();

 private:
  void run(Rescanner& rescanner);
  // One rescan and the documents after it; false when something failed (logged, retried later).
  bool catch_up(Rescanner& rescanner);

  FeedWatcherConfig config_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  Gauge& generation_;
  Gauge& pairs_done_;
  Gauge& pairs_total_;
  Counter& rescans_;
  Counter& failures_;
  Counter& found_new_;
  Counter& found_resolved_;
  Counter& found_changed_;
  Counter& requeued_;
  Counter& documents_;
};

}  // namespace strata::coordinator
