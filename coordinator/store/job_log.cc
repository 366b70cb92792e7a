#include "coordinator/store/job_log.h"

#include <utility>

#include "common/log.h"

namespace strata::coordinator {

JobLog::JobLog(JobStore& store) : store_(store), thread_([this] { loop(); }) {}

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

std::vector<std::string> JobLog::take_lifted() {
  std::lock_guard lock(mutex_);
  return std::exchange(lifted_, {});
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
  constexpr auto kLiftPoll = std::chrono::seconds(3);
  auto next_poll = std::chrono::steady_clock::now();
  while (true) {
    std::vector<JobEvent> events;
    std::vector<Quarantine> quarantines;
    bool last = false;
    {
      std::unique_lock lock(mutex_);
      wake_.wait_until(lock, next_poll, [&] { return stopping_ || !events_.empty() || !quarantines_.empty(); });
      events.swap(events_);
      quarantines.swap(quarantines_);
      last = stopping_;
    }
    if (std::chrono::steady_clock::now() >= next_poll) {
      next_poll = std::chrono::steady_clock::now() + kLiftPoll;
      // A lift is seen for a while after it happened; lifting twice is harmless.
      if (auto lifted = store_.recently_lifted(std::chrono::seconds(30)); lifted && !lifted->empty()) {
        std::lock_guard lock(mutex_);
        lifted_.insert(lifted_.end(), lifted->begin(), lifted->end());
      }
    }
    for (const auto& q : quarantines) {
      if (auto r = store_.quarantine_layer(q.diff_id, q.digest, q.failures, q.error); !r) {
        log_error("store", "cannot record the quarantine of layer " + q.diff_id + ": " + r.error().message());
      }
    }
    if (events.empty()) {
      if (last) return;
      continue;
    }
    if (auto r = store_.record_jobs(events); !r) {
      log_error("store", "cannot record " + std::to_string(events.size()) + " job events: " + r.error().message());
    }
    if (last) return;
  }
}

}  // namespace strata::coordinator
