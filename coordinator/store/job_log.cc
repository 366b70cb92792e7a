#include "coordinator/store/job_log.h"

#include "common/log.h"

namespace strata::coordinator {

JobLog::JobLog(Store& store) : store_(store), thread_([this] { loop(); }) {}

JobLog::~JobLog() { stop(); }

void JobLog::record(std::vector<JobEvent> events) {
  if (events.empty()) return;
  std::lock_guard lock(mutex_);
  events_.insert(events_.end(), std::make_move_iterator(events.begin()), std::make_move_iterator(events.end()));
  wake_.notify_one();
}

void JobLog::quarantine(std::string diff_id, std::string digest, int failures, std::string error) {
  std::lock_guard lock(mutex_);
  quarantines_.push_back({std::move(diff_id), std::move(digest), failures, std::move(error)});
  wake_.notify_one();
}

void JobLog::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
    wake_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
}

void JobLog::loop() {
  while (true) {
    std::vector<JobEvent> events;
    std::vector<Quarantine> quarantines;
    bool last = false;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !events_.empty() || !quarantines_.empty(); });
      events.swap(events_);
      quarantines.swap(quarantines_);
      last = stopping_;
    }
    for (const auto& q : quarantines) {
      if (auto r = store_.quarantine_layer(q.diff_id, q.digest, q.failures, q.error); !r) {
        log_error("store", "cannot record the quarantine of layer " + q.diff_id + ": " + r.error().message());
      }
    }
    if (auto r = store_.record_jobs(events); !r) {
      log_error("store", "cannot record " + std::to_string(events.size()) + " job events: " + r.error().message());
    }
    if (last) return;
  }
}

}  // namespace strata::coordinator
