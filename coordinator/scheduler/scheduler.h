// The scheduler's state, with no sockets and no clock of its own (times are passed in), so that
// every rule is tested directly: layer jobs deduplicated by diff_id while in flight, credits per
// worker, leases with deadlines, re-queueing of a silent worker's jobs, retries, quarantine of a
// layer that fails the same way `quarantine_after` times, priorities and tenant fairness. The
// dispatcher thread owns one Scheduler; it is not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "coordinator/scheduler/fair_queue.h"
#include "coordinator/store/store.h"
#include "worker/image/image_inventory.h"

namespace strata::coordinator {

using Clock = std::chrono::steady_clock;
using WaiterId = std::uint64_t;

struct LayerRequest {
  std::string diff_id;
  std::string digest;
  std::string media_type;
  std::uint64_t size = 0;
  worker::BlobLocation source;
  std::string token;  // a short-lived pull token for a registry source; kept in memory only
};

struct SchedulerConfig {
  int quarantine_after = 3;                      // same-code failures before a layer is quarantined
  int max_attempts = 6;                          // any failures before its waiters are failed
  std::chrono::milliseconds worker_timeout{5000};  // silence after which a worker is presumed dead
  std::chrono::seconds lease{300};               // a job's deadline, extended by heartbeats
};

enum class JobState { kQueued, kLeased };

struct Job {
  std::uint64_t id = 0;
  LayerRequest layer;
  JobState state = JobState::kQueued;
  int priority_class = 1;
  TenantId tenant = 0;
  std::uint64_t token = 0;
  std::vector<WaiterId> waiters;
  std::string worker;
  Clock::time_point deadline{};
  Clock::time_point leased_at{};
  int attempts = 0;
  std::map<std::string, int> failures;  // error code → count
  std::string last_error;
};

struct Dispatch {
  std::string worker;
  const Job* job;
};

// The end of a job, for its waiters.
struct JobEnd {
  std::uint64_t id = 0;
  std::string diff_id;
  std::string digest;
  std::vector<WaiterId> waiters;
  bool ok = false;
  bool quarantined = false;
  std::string error;  // when not ok
  double seconds = 0;  // from lease to end
};

class Scheduler {
 public:
  explicit Scheduler(SchedulerConfig config, std::uint64_t first_job_id = 1)
      : config_(config), next_id_(first_job_id) {}

  // A waiter needs this layer: it joins the job in flight for the diff_id or a new one is made.
  // Returns the quarantine error when the layer is quarantined (nothing is queued then).
  std::optional<std::string> request(const LayerRequest& layer, Priority priority, TenantId tenant, WaiterId waiter);
  void quarantine(const std::string& diff_id, const std::string& error) { quarantined_[diff_id] = error; }

  // Workers. `now` is when the message arrived.
  void ready(const std::string& worker, unsigned credits, Clock::time_point now);
  bool known(const std::string& worker) const { return workers_.contains(worker); }
  void seen(const std::string& worker, Clock::time_point now);
  // Ids the worker should stop: leased elsewhere or unknown. Extends the rest.
  std::vector<std::uint64_t> heartbeat(const std::string& worker, const std::vector<std::uint64_t>& running,
                                       Clock::time_point now);
  // The worker leaves: its credits go, jobs it hands back return to the queue. Jobs it still runs
  // keep their lease until they end or expire.
  void goodbye(const std::string& worker, const std::vector<std::uint64_t>& handed_back);

  // As many (worker, job) pairs as credits and the queue allow. Pointers stay valid until the
  // job ends.
  std::vector<Dispatch> dispatch(Clock::time_point now);

  // A worker finished a job. A result for a job id this scheduler did not lease (a restart, a
  // lease moved on) is accepted by diff_id if a job for that layer is in flight.
  std::optional<JobEnd> succeeded(const std::string& worker, std::uint64_t job_id, const std::string& diff_id,
                                  Clock::time_point now);
  // A worker failed a job: re-queued, or ended for its waiters once quarantined or out of attempts.
  std::optional<JobEnd> failed(const std::string& worker, std::uint64_t job_id, const std::string& code,
                               const std::string& message, Clock::time_point now);

  struct Expired {
    std::vector<std::string> dead_workers;
    std::vector<std::pair<std::string, std::uint64_t>> cancels;  // (worker, job) whose lease ran out
    std::size_t requeued = 0;  // jobs back in the queue, for either reason
    std::vector<JobEnd> ended;  // jobs whose leases were lost max_attempts times: failed
  };
  // Declares silent workers dead and re-queues expired leases. A lost lease is an attempt: a
  // layer that kills or hangs every worker it reaches ends after max_attempts, not never.
  Expired expire(Clock::time_point now);

  // Job state changes since the last call, for the store.
  std::vector<JobEvent> take_events() { return std::exchange(events_, {}); }

  std::size_t queued() const { return queued_; }
  std::size_t leased() const { return jobs_.size() - queued_; }
  std::size_t workers() const { return workers_.size(); }
  std::uint64_t total_credits() const;

 private:
  struct WorkerState {
    unsigned credits = 0;
    Clock::time_point last_seen{};
    std::set<std::uint64_t> leases;
    bool leaving = false;  // said goodbye: gets no credits back
  };

  void credit_back(const std::string& worker, Clock::time_point now);
  void enqueue(Job& job);
  void requeue(Job& job);
  void event(const Job& job, const char* state, const std::string& error = {});
  JobEnd end(Job& job, bool ok, bool quarantined, std::string error, Clock::time_point now);

  SchedulerConfig config_;
  std::uint64_t next_id_;
  std::map<std::uint64_t, Job> jobs_;
  std::map<std::string, std::uint64_t, std::less<>> by_diff_id_;
  std::map<std::string, WorkerState, std::less<>> workers_;
  std::map<std::string, std::string, std::less<>> quarantined_;
  FairQueue queue_;
  std::size_t queued_ = 0;
  std::vector<JobEvent> events_;
};

}  // namespace strata::coordinator
