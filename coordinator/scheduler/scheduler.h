// The scheduler's state, with no sockets and no clock of its own (times are passed in), so that
// every rule is tested directly: layer jobs deduplicated by diff_id while in flight, credits per
// worker, leases with deadlines, re-queueing of a silent worker's jobs, retries with backoff,
// quarantine of a layer whose verified bytes fail the same way `quarantine_after` times (for a
// while, and liftable), priorities and tenant fairness. The dispatcher thread owns one
// Scheduler; it is not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "coordinator/scheduler/fair_queue.h"
#include "coordinator/store/job_store.h"
#include "coordinator/store/scan_store.h"
#include "worker/api/image_inventory.h"

namespace strata::coordinator {

using Clock = std::chrono::steady_clock;
using WaiterId = std::uint64_t;

struct LayerRequest {
  std::string diff_id;
  std::string digest;
  std::string media_type;
  std::uint64_t size = 0;
  BlobLocation source;
  std::string token;  // a short-lived pull token for a registry source; kept in memory only
  // A tenant's own secret rules and their digest (empty: the built-in rules). Layers scanned with
  // other rules are other jobs.
  std::shared_ptr<const std::string> secret_rules;
  std::string secret_rules_digest;
  // What makes two requests one job: the same blob, verified to the same diff_id, with the same rules.
  std::string job_key() const { return diff_id + " " + digest + " " + secret_rules_digest; }
};

struct SchedulerConfig {
  int quarantine_after = 3;                      // same-code content failures of verified bytes
  std::chrono::seconds quarantine_for{24 * 3600};  // then the layer is tried again
  int max_attempts = 6;                          // any failures before its waiters are failed
  std::chrono::milliseconds retry_backoff{1000};   // after a failure, doubled per attempt,
  std::chrono::milliseconds max_retry_backoff{60'000};  // up to this
  std::chrono::milliseconds worker_timeout{5000};  // silence after which a worker is presumed dead
  std::chrono::seconds lease{300};               // a job's deadline, extended by heartbeats
};

// kWaiting: failed, back in the queue once its retry time comes (expire() moves it).
enum class JobState { kQueued, kLeased, kWaiting };

struct Job {
  std::uint64_t id = 0;
  LayerRequest layer;
  JobState state = JobState::kQueued;
  int priority_class = 1;
  TenantId tenant = 0;         // whose turn in the fair queue (an interactive joiner takes it over)
  TenantId source_tenant = 0;  // whose image named the blob source the job fetches from
  std::uint64_t token = 0;
  std::vector<WaiterId> waiters;
  std::string worker;
  Clock::time_point deadline{};
  Clock::time_point leased_at{};
  int attempts = 0;
  std::uint64_t bytes_read = 0;          // as of the last heartbeat that extended the lease
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
  std::string key;  // LayerRequest::job_key()
  std::vector<WaiterId> waiters;
  bool ok = false;
  bool quarantined = false;
  TenantId source_tenant = 0;  // whose source the failure came from; others see no details
  std::string error;  // when not ok
  double seconds = 0;  // from lease to end
};

class Scheduler {
 public:
  explicit Scheduler(SchedulerConfig config, std::uint64_t first_job_id = 1)
      : config_(config), next_id_(first_job_id) {}

  // A waiter needs this layer: it joins the job in flight for the diff_id or a new one is made.
  // Returns the quarantine error when the layer is quarantined (nothing is queued then).
  std::optional<std::string> request(const LayerRequest& layer, Priority priority, TenantId tenant, WaiterId waiter,
                                     Clock::time_point now = Clock::now());
  // A quarantine read back from the store at start (it lasts quarantine_for from `now`), and one
  // an operator lifted.
  void quarantine(const std::string& diff_id, const std::string& error, Clock::time_point now = Clock::now()) {
    quarantined_[diff_id] = {error, now + config_.quarantine_for};
  }
  void lift(const std::string& diff_id) { quarantined_.erase(diff_id); }

  // Workers. `now` is when the message arrived.
  void ready(const std::string& worker, unsigned credits, Clock::time_point now);
  bool known(const std::string& worker) const { return workers_.contains(worker); }
  void seen(const std::string& worker, Clock::time_point now);
  // Ids the worker should stop: leased elsewhere or unknown. Extends the rest, but only while
  // they make progress: with `bytes_read` (per running id, same order), a job whose count has
  // not grown since the last heartbeat keeps its deadline, so one stuck in a loop expires even
  // though its worker is alive (issue 14, defect 7). Without it (an older worker), every job is
  // extended.
  std::vector<std::uint64_t> heartbeat(const std::string& worker, const std::vector<std::uint64_t>& running,
                                       Clock::time_point now, const std::vector<std::uint64_t>& bytes_read = {});
  // The worker leaves: its credits go, jobs it hands back return to the queue. Jobs it still runs
  // keep their lease until they end or expire.
  void goodbye(const std::string& worker, const std::vector<std::uint64_t>& handed_back);

  // As many (worker, job) pairs as credits and the queue allow. Pointers stay valid until the
  // job ends.
  std::vector<Dispatch> dispatch(Clock::time_point now);

  // A worker finished a job. Accepted only from the worker holding the job's lease, for the
  // diff_id the job names; anything else is nullopt and ignored.
  std::optional<JobEnd> succeeded(const std::string& worker, std::uint64_t job_id, const std::string& diff_id,
                                  Clock::time_point now);
  // A worker failed a job. Content failures ("corrupt", "limit exceeded", "unsupported") of
  // verified bytes are retried and count toward quarantine; other retryable failures (a
  // registry's outage) are retried after a backoff until max_attempts; any other failure (bytes
  // that do not match their digest, a refused token) ends the job for its waiters at once. A
  // registry's outage, a wrong blob or a refused token says nothing about the layer: one
  // tenant's bad source never shuts the layer out for every other.
  struct Failure {
    std::string code;  // ErrorCode's name
    std::string message;
    bool retryable = false;
    bool verified = false;  // the blob hashed to its digest
  };
  std::optional<JobEnd> failed(const std::string& worker, std::uint64_t job_id, const Failure& failure,
                               Clock::time_point now);
  // Whether `worker` holds the live lease of `job_id`: a report from anyone else (a lease that
  // was cancelled or expired) is not an attempt of that job.
  bool holds_lease(const std::string& worker, std::uint64_t job_id) const;

  struct Expired {
    std::vector<std::string> dead_workers;
    std::vector<std::pair<std::string, std::uint64_t>> cancels;  // (worker, job) whose lease ran out
    std::size_t requeued = 0;  // jobs back in the queue, for either reason
    std::vector<JobEnd> ended;  // jobs whose leases were lost max_attempts times: failed
  };
  // Declares silent workers dead, re-queues expired leases and failed jobs whose retry time has
  // come. A lost lease is an attempt: a layer that kills or hangs every worker it reaches ends
  // after max_attempts, not never.
  Expired expire(Clock::time_point now);

  // Job state changes since the last call, for the store.
  std::vector<JobEvent> take_events() { return std::exchange(events_, {}); }

  std::size_t queued() const { return queued_; }
  std::size_t waiting() const { return delayed_.size(); }
  std::size_t leased() const { return jobs_.size() - queued_ - delayed_.size(); }
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
  // Ends a leased or queued job for its waiters (a waiting one is never ended: it is in delayed_).
  JobEnd end(Job& job, bool ok, bool quarantined, std::string error, Clock::time_point now);

  SchedulerConfig config_;
  std::uint64_t next_id_;
  std::map<std::uint64_t, Job> jobs_;
  // In-flight jobs by "diff_id digest": a request joins a job only for the same blob, which the
  // job verifies is that diff_id; naming the diff_id beside another blob makes a job of its own.
  std::map<std::string, std::uint64_t, std::less<>> by_layer_;
  std::map<std::string, WorkerState, std::less<>> workers_;
  struct Quarantine {
    std::string error;
    Clock::time_point until;
  };
  std::map<std::string, Quarantine, std::less<>> quarantined_;
  std::multimap<Clock::time_point, std::uint64_t> delayed_;  // kWaiting jobs by retry time
  FairQueue queue_;
  std::size_t queued_ = 0;
  std::vector<JobEvent> events_;
};

}  // namespace strata::coordinator
