#include "coordinator/scheduler/scheduler.h"

#include <algorithm>

namespace strata::coordinator {

void Scheduler::event(const Job& job, const char* state, const std::string& error) {
  events_.push_back(JobEvent{job.id, job.layer.diff_id, job.layer.digest, state, job.attempts, job.worker, error});
}

void Scheduler::enqueue(Job& job) {
  job.state = JobState::kQueued;
  job.worker.clear();
  ++job.token;
  ++queued_;
  queue_.push(job.priority_class, job.tenant, job.id, job.token);
}

void Scheduler::requeue(Job& job) {
  if (auto w = workers_.find(job.worker); w != workers_.end()) w->second.leases.erase(job.id);
  enqueue(job);
  event(job, "queued");
}

std::optional<std::string> Scheduler::request(const LayerRequest& layer, Priority priority, TenantId tenant,
                                              WaiterId waiter, Clock::time_point now) {
  if (const auto q = quarantined_.find(layer.diff_id); q != quarantined_.end()) {
    if (now < q->second.until) return q->second.error;
    quarantined_.erase(q);  // served its time: the layer is tried again
  }
  const int cls = queue_class(priority);
  if (const auto it = by_layer_.find(layer.job_key()); it != by_layer_.end()) {
    Job& job = jobs_.at(it->second);
    job.waiters.push_back(waiter);
    // An interactive scan joining a queued bulk job moves it ahead; the old entry goes stale.
    if (cls < job.priority_class) {
      job.priority_class = cls;
      job.tenant = tenant;
      if (job.state == JobState::kQueued) {
        ++job.token;
        queue_.push(job.priority_class, job.tenant, job.id, job.token);
      }
    }
    return std::nullopt;
  }
  Job job;
  job.id = next_id_++;
  job.layer = layer;
  job.priority_class = cls;
  job.tenant = tenant;
  job.source_tenant = tenant;
  job.waiters.push_back(waiter);
  auto [it, inserted] = jobs_.emplace(job.id, std::move(job));
  by_layer_.emplace(layer.job_key(), it->first);
  enqueue(it->second);
  event(it->second, "queued");
  return std::nullopt;
}

void Scheduler::ready(const std::string& worker, unsigned credits, Clock::time_point now) {
  WorkerState& w = workers_[worker];
  w.credits = credits;
  w.last_seen = now;
}

void Scheduler::seen(const std::string& worker, Clock::time_point now) {
  if (auto it = workers_.find(worker); it != workers_.end()) it->second.last_seen = now;
}

std::vector<std::uint64_t> Scheduler::heartbeat(const std::string& worker, const std::vector<std::uint64_t>& running,
                                                Clock::time_point now, const std::vector<std::uint64_t>& bytes_read) {
  std::vector<std::uint64_t> cancel;
  seen(worker, now);
  const bool with_progress = bytes_read.size() == running.size();
  for (std::size_t i = 0; i < running.size(); ++i) {
    const auto it = jobs_.find(running[i]);
    if (it == jobs_.end() || it->second.state != JobState::kLeased || it->second.worker != worker) {
      cancel.push_back(running[i]);
      continue;
    }
    Job& job = it->second;
    if (with_progress) {
      // No byte since the last extension: the deadline stays where that one put it.
      if (bytes_read[i] <= job.bytes_read) continue;
      job.bytes_read = bytes_read[i];
    }
    job.deadline = now + config_.lease;
  }
  return cancel;
}

void Scheduler::goodbye(const std::string& worker, const std::vector<std::uint64_t>& handed_back) {
  auto w = workers_.find(worker);
  if (w == workers_.end()) return;
  w->second.credits = 0;
  w->second.leaving = true;
  for (const std::uint64_t id : handed_back) {
    const auto it = jobs_.find(id);
    if (it != jobs_.end() && it->second.state == JobState::kLeased && it->second.worker == worker) {
      --it->second.attempts;  // handing back is not a failed attempt
      requeue(it->second);
    }
  }
  if (w->second.leases.empty()) workers_.erase(w);
}

std::uint64_t Scheduler::total_credits() const {
  std::uint64_t n = 0;
  for (const auto& [name, w] : workers_) n += w.credits;
  return n;
}

std::vector<Dispatch> Scheduler::dispatch(Clock::time_point now) {
  std::vector<Dispatch> out;
  while (queued_ > 0) {
    // The worker with the most free credits: spreads layers across workers.
    auto best = workers_.end();
    for (auto it = workers_.begin(); it != workers_.end(); ++it) {
      if (it->second.credits > 0 && (best == workers_.end() || it->second.credits > best->second.credits)) best = it;
    }
    if (best == workers_.end()) break;
    const auto id = queue_.pop([&](std::uint64_t job, std::uint64_t token) {
      const auto it = jobs_.find(job);
      return it != jobs_.end() && it->second.state == JobState::kQueued && it->second.token == token;
    });
    if (!id) break;
    Job& job = jobs_.at(*id);
    --queued_;
    job.state = JobState::kLeased;
    job.worker = best->first;
    job.deadline = now + config_.lease;
    job.leased_at = now;
    job.bytes_read = 0;
    ++job.attempts;
    --best->second.credits;
    best->second.leases.insert(job.id);
    event(job, "leased");
    out.push_back({best->first, &job});
  }
  return out;
}

void Scheduler::credit_back(const std::string& worker, Clock::time_point now) {
  const auto w = workers_.find(worker);
  if (w == workers_.end()) return;
  w->second.last_seen = now;
  if (!w->second.leaving) ++w->second.credits;  // every job's end hands its slot back
}

JobEnd Scheduler::end(Job& job, bool ok, bool quarantined, std::string error, Clock::time_point now) {
  JobEnd e;
  e.id = job.id;
  e.diff_id = job.layer.diff_id;
  e.digest = job.layer.digest;
  e.key = job.layer.job_key();
  e.waiters = std::move(job.waiters);
  e.ok = ok;
  e.quarantined = quarantined;
  e.source_tenant = job.source_tenant;
  e.error = std::move(error);
  e.seconds = std::chrono::duration<double>(now - job.leased_at).count();
  if (job.state == JobState::kQueued) --queued_;
  if (auto w = workers_.find(job.worker); w != workers_.end()) {
    w->second.leases.erase(job.id);
    if (w->second.leaving && w->second.leases.empty()) workers_.erase(w);
  }
  event(job, ok ? "done" : quarantined ? "quarantined" : "failed", ok ? std::string() : e.error);
  by_layer_.erase(job.layer.job_key());
  jobs_.erase(job.id);
  return e;
}

std::optional<JobEnd> Scheduler::succeeded(const std::string& worker, std::uint64_t job_id, const std::string& diff_id,
                                           Clock::time_point now) {
  credit_back(worker, now);
  // Only the worker holding the job's lease may end it, and only for the layer it was given: a
  // result from anyone else (a lease that moved on, a peer that names a job it never had) would
  // let that peer choose what a layer's analysis says (issue 14, defect 6).
  const auto it = jobs_.find(job_id);
  if (it == jobs_.end() || it->second.state != JobState::kLeased || it->second.worker != worker ||
      it->second.layer.diff_id != diff_id) {
    return std::nullopt;
  }
  return end(it->second, true, false, {}, now);
}

bool Scheduler::holds_lease(const std::string& worker, std::uint64_t job_id) const {
  const auto it = jobs_.find(job_id);
  return it != jobs_.end() && it->second.state == JobState::kLeased && it->second.worker == worker;
}

std::optional<JobEnd> Scheduler::failed(const std::string& worker, std::uint64_t job_id, const Failure& failure,
                                        Clock::time_point now) {
  const std::string& code = failure.code;
  const std::string& message = failure.message;
  credit_back(worker, now);
  // A failure of a lease that already moved on (cancelled, expired) is not this job's failure.
  if (!holds_lease(worker, job_id)) return std::nullopt;
  Job& job = jobs_.at(job_id);
  job.last_error = message;
  const bool content = failure.verified && (code == "corrupt" || code == "limit exceeded" || code == "unsupported");
  if (content && ++job.failures[code] >= config_.quarantine_after) {
    quarantined_[job.layer.diff_id] = {message, now + config_.quarantine_for};
    return end(job, false, true, message, now);
  }
  if (job.attempts >= config_.max_attempts || (!content && !failure.retryable)) {
    return end(job, false, false, message, now);
  }
  if (auto w = workers_.find(job.worker); w != workers_.end()) w->second.leases.erase(job.id);
  event(job, "failed", message);
  // Back off before the next attempt: a registry that is down now is likely down in a second.
  auto pause = config_.retry_backoff;
  for (int i = 1; i < job.attempts && pause < config_.max_retry_backoff; ++i) pause *= 2;
  job.state = JobState::kWaiting;
  job.worker.clear();
  delayed_.emplace(now + std::min(pause, config_.max_retry_backoff), job.id);
  return std::nullopt;
}

Scheduler::Expired Scheduler::expire(Clock::time_point now) {
  Expired out;
  // Re-queues `job`, or ends it when its leases have all been used up.
  auto lost = [&](Job& job) {
    if (job.attempts >= config_.max_attempts) {
      out.ended.push_back(end(job, false, false,
                              "layer " + job.layer.digest + ": no worker finished it in " +
                                  std::to_string(job.attempts) + " attempts (" + job.last_error + ")",
                              now));
      return;
    }
    requeue(job);
    ++out.requeued;
  };
  for (auto w = workers_.begin(); w != workers_.end();) {
    if (now - w->second.last_seen < config_.worker_timeout) {
      ++w;
      continue;
    }
    out.dead_workers.push_back(w->first);
    const std::set<std::uint64_t> leases = w->second.leases;
    const std::string name = w->first;
    w = workers_.erase(w);
    for (const std::uint64_t id : leases) {
      Job& job = jobs_.at(id);
      job.last_error = "worker " + name + " went silent";
      lost(job);
    }
  }
  std::vector<std::uint64_t> overdue;
  for (auto& [id, job] : jobs_) {
    if (job.state == JobState::kLeased && now >= job.deadline) overdue.push_back(id);
  }
  for (const std::uint64_t id : overdue) {
    Job& job = jobs_.at(id);
    // The slot stays taken until the worker reports the cancelled job's end.
    out.cancels.emplace_back(job.worker, id);
    job.last_error = "lease expired on worker " + job.worker;
    lost(job);
  }
  while (!delayed_.empty() && delayed_.begin()->first <= now) {
    Job& job = jobs_.at(delayed_.begin()->second);
    delayed_.erase(delayed_.begin());
    enqueue(job);
    event(job, "queued");
  }
  return out;
}

}  // namespace strata::coordinator
