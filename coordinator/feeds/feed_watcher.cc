#include "coordinator/feeds/feed_watcher.h"

#include "common/log.h"

namespace strata::coordinator {

FeedWatcher::FeedWatcher(FeedWatcherConfig config, MetricsRegistry& m)
    : config_(std::move(config)),
      generation_(m.gauge("strata_feed_generation", "The newest feed generation the findings were brought to")),
      pairs_done_(m.gauge("strata_rescan_pairs_done", "Changed (ecosystem, package) pairs the running rescan has applied")),
      pairs_total_(m.gauge("strata_rescan_pairs", "Changed (ecosystem, package) pairs of the running or last rescan")),
      rescans_(m.counter("strata_rescans_total", "Rescans brought to their end")),
      failures_(m.counter("strata_rescan_failures_total", "Rescan attempts that failed (retried at the next poll)")),
      found_new_(m.counter("strata_rescan_findings_total", "Findings a rescan changed", {{"change", "new"}})),
      found_resolved_(m.counter("strata_rescan_findings_total", "Findings a rescan changed", {{"change", "resolved"}})),
      found_changed_(m.counter("strata_rescan_findings_total", "Findings a rescan changed", {{"change", "changed"}})),
      requeued_(m.counter("strata_rescan_images_requeued_total",
                          "Images of another analyzer set queued for analysis again by a rescan")),
      documents_(m.counter("strata_rescan_documents_total", "Report documents assessed again after a rescan")) {}

std::function<void(std::uint64_t, std::uint64_t)> FeedWatcher::progress() {
  return [this](std::uint64_t done, std::uint64_t total) {
    pairs_done_.set(static_cast<std::int64_t>(done));
    pairs_total_.set(static_cast<std::int64_t>(total));
  };
}

void FeedWatcher::start(Rescanner& rescanner) {
  thread_ = std::thread([this, &rescanner] { run(rescanner); });
}

void FeedWatcher::stop() {
  stopping_.store(true);
  if (thread_.joinable()) thread_.join();
}

bool FeedWatcher::catch_up(Rescanner& rescanner) {
  while (!stopping_.load()) {
    auto out = rescanner.run();
    if (!out) {
      failures_.inc();
      log_warn("rescan", "the rescan failed, and is tried again at the next poll: " + out.error().message());
      return false;
    }
    if (!*out) break;
    const RescanOutcome& o = **out;
    found_new_.inc(o.findings_new);
    found_resolved_.inc(o.findings_resolved);
    found_changed_.inc(o.findings_changed);
    requeued_.inc(o.images_requeued);
    if (!o.finished) return true;  // stopping
    rescans_.inc();
    generation_.set(static_cast<std::int64_t>(o.generation));
  }
  while (!stopping_.load()) {
    auto refreshed = rescanner.refresh_documents(config_.documents_per_batch);
    if (!refreshed) {
      failures_.inc();
      log_warn("rescan", "assessing stale report documents failed (tried again at the next poll): " +
                             refreshed.error().message());
      return false;
    }
    documents_.inc(*refreshed);
    if (*refreshed < config_.documents_per_batch) break;
  }
  return true;
}

void FeedWatcher::run(Rescanner& rescanner) {
  std::unique_ptr<PgConnection> listener;
  while (!stopping_.load()) {
    if (listener == nullptr || !listener->healthy()) {
      listener.reset();
      auto connected = PgConnection::connect(config_.database_url);
      if (connected && (*connected)->exec("LISTEN strata_feeds")) {
        listener = std::move(*connected);
      } else {
        log_warn("rescan", "cannot listen for feed generations; polling every " +
                               std::to_string(config_.poll.count()) + " ms" +
                               (connected ? std::string() : ": " + connected.error().message()));
      }
    }
    catch_up(rescanner);
    // Until a notification, the poll interval, or stop: in short waits, so stopping is prompt.
    const auto until = std::chrono::steady_clock::now() + config_.poll;
    while (!stopping_.load() && std::chrono::steady_clock::now() < until) {
      if (listener == nullptr) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        continue;
      }
      auto note = listener->wait_notification(std::chrono::milliseconds(200));
      if (!note) {
        listener.reset();
        continue;
      }
      if (*note) {
        log_info("rescan", "feed generation " + **note + " was imported");
        break;
      }
    }
  }
}

}  // namespace strata::coordinator
