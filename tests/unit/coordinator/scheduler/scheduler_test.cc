// The scheduler's rules, one at a time, with time passed in: dedup by diff_id, credits, leases
// and silence, retries and quarantine, hand-backs, priorities and tenant fairness.
#include "coordinator/scheduler/scheduler.h"

#include <gtest/gtest.h>

namespace strata::coordinator {
namespace {

using namespace std::chrono_literals;

LayerRequest layer(const std::string& name) { return {"sha256:" + name, "sha256:blob-" + name, "tar", 10, {"/b/" + name, "", ""}, "", nullptr, ""}; }

class SchedulerTest : public ::testing::Test {
 protected:
  Clock::time_point t0 = Clock::now();
  SchedulerConfig config{.quarantine_after = 3, .max_attempts = 6, .worker_timeout = 5s, .lease = 60s};
  Scheduler s{config};
};

TEST_F(SchedulerTest, RequestsForOneLayerShareOneJob) {
  EXPECT_FALSE(s.request(layer("a"), Priority::kBulk, 1, 10));
  EXPECT_FALSE(s.request(layer("a"), Priority::kBulk, 2, 11));
  EXPECT_FALSE(s.request(layer("b"), Priority::kBulk, 1, 12));
  EXPECT_EQ(s.queued(), 2u);
  s.ready("w", 4, t0);
  const auto d = s.dispatch(t0);
  ASSERT_EQ(d.size(), 2u);
  const auto end = s.succeeded("w", d[0].job->id, "sha256:a", t0 + 1s);
  ASSERT_TRUE(end);
  EXPECT_TRUE(end->ok);
  EXPECT_EQ(end->waiters, (std::vector<WaiterId>{10, 11}));
  EXPECT_DOUBLE_EQ(end->seconds, 1.0);
  // Once ended, the next request for it is a new job (the cache answers before that).
  EXPECT_FALSE(s.request(layer("a"), Priority::kBulk, 1, 13));
  EXPECT_EQ(s.queued(), 1u);
}

TEST_F(SchedulerTest, NoWorkerGetsMoreJobsThanCreditsAndResultsGiveCreditsBack) {
  for (int i = 0; i < 5; ++i) s.request(layer(std::to_string(i)), Priority::kBulk, 1, static_cast<WaiterId>(i));
  s.ready("w1", 2, t0);
  s.ready("w2", 1, t0);
  auto d = s.dispatch(t0);
  EXPECT_EQ(d.size(), 3u);
  EXPECT_EQ(s.total_credits(), 0u);
  EXPECT_TRUE(s.dispatch(t0).empty());
  s.succeeded(d[0].worker, d[0].job->id, d[0].job->layer.diff_id, t0);
  EXPECT_EQ(s.dispatch(t0).size(), 1u);
  EXPECT_EQ(s.queued(), 1u);
}

TEST_F(SchedulerTest, ASilentWorkersJobsReturnToTheQueue) {
  s.request(layer("a"), Priority::kBulk, 1, 1);
  s.ready("w1", 1, t0);
  s.ready("w2", 1, t0);
  const auto d = s.dispatch(t0);
  ASSERT_EQ(d.size(), 1u);
  const std::string first = d[0].worker;
  const std::string other = first == "w1" ? "w2" : "w1";
  s.heartbeat(other, {}, t0 + 4s);
  auto expired = s.expire(t0 + 6s);
  EXPECT_EQ(expired.dead_workers, std::vector<std::string>{first});
  EXPECT_EQ(expired.requeued, 1u);
  const auto again = s.dispatch(t0 + 6s);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].worker, other);
  // Issue 14, defect 6: a late result from the dead worker, or one naming a job it never held,
  // is refused; only the worker now holding the lease ends the job.
  EXPECT_FALSE(s.succeeded(first, again[0].job->id, "sha256:a", t0 + 7s));
  EXPECT_FALSE(s.succeeded(first, 999, "sha256:a", t0 + 7s));
  EXPECT_FALSE(s.succeeded(other, again[0].job->id, "sha256:b", t0 + 7s));  // not the layer it was given
  const auto end = s.succeeded(other, again[0].job->id, "sha256:a", t0 + 7s);
  ASSERT_TRUE(end);
  EXPECT_EQ(end->waiters, std::vector<WaiterId>{1});
}

TEST_F(SchedulerTest, HeartbeatsExtendLeasesAndExpiredLeasesAreCancelled) {
  s.request(layer("a"), Priority::kBulk, 1, 1);
  s.ready("w", 1, t0);
  const auto id = s.dispatch(t0)[0].job->id;
  EXPECT_TRUE(s.heartbeat("w", {id}, t0 + 50s).empty());
  EXPECT_TRUE(s.heartbeat("w", {}, t0 + 98s).empty());   // alive, but no longer running it
  EXPECT_TRUE(s.expire(t0 + 100s).cancels.empty());      // extended to t0+110s
  EXPECT_TRUE(s.heartbeat("w", {}, t0 + 109s).empty());
  const auto expired = s.expire(t0 + 111s);
  ASSERT_EQ(expired.cancels.size(), 1u);
  EXPECT_EQ(expired.cancels[0], (std::pair<std::string, std::uint64_t>{"w", id}));
  // The worker's slot is still taken until it reports the cancelled job.
  EXPECT_TRUE(s.dispatch(t0 + 111s).empty());
  EXPECT_FALSE(s.failed("w", id, {"unavailable", "cancelled", true, false}, t0 + 112s));
  ASSERT_EQ(s.dispatch(t0 + 112s).size(), 1u);
  // A heartbeat naming a job it no longer holds asks for a cancel.
  EXPECT_EQ(s.heartbeat("w", {id, 4242}, t0 + 113s), std::vector<std::uint64_t>{4242});
}

// Issue 14, defect 7: a re-queue after an expired lease or a silent worker did not count, so a
// layer that hangs (or kills) every worker it reaches was leased for ever. Now each lost lease is
// an attempt, and the job ends for its waiters after max_attempts.
TEST_F(SchedulerTest, LostLeasesCountAsAttempts) {
  s.request(layer("a"), Priority::kBulk, 1, 7);
  auto now = t0;
  for (int attempt = 1; attempt <= config.max_attempts; ++attempt) {
    SCOPED_TRACE(attempt);
    const std::string worker = "w" + std::to_string(attempt);
    s.ready(worker, 1, now);
    const auto d = s.dispatch(now);
    ASSERT_EQ(d.size(), 1u);
    now += 6s;  // the worker says nothing more: presumed dead
    const auto expired = s.expire(now);
    EXPECT_EQ(expired.dead_workers, std::vector<std::string>{worker});
    if (attempt < config.max_attempts) {
      EXPECT_EQ(expired.requeued, 1u);
      EXPECT_TRUE(expired.ended.empty());
    } else {
      EXPECT_EQ(expired.requeued, 0u);
      ASSERT_EQ(expired.ended.size(), 1u);
      EXPECT_EQ(expired.ended[0].waiters, std::vector<WaiterId>{7});
      EXPECT_FALSE(expired.ended[0].ok);
      EXPECT_NE(expired.ended[0].error.find("no worker finished it in 6 attempts"), std::string::npos)
          << expired.ended[0].error;
    }
  }
  EXPECT_EQ(s.queued(), 0u);
  EXPECT_EQ(s.leased(), 0u);
}

// Issue 14, defect 4: quarantine is for content failures of bytes that verified (the same bytes
// fail the same way for anyone), it lasts quarantine_for, and an operator may lift it.
// Issue 14, defect 7: a live worker's heartbeats extended a job's lease for ever, even when the
// job was stuck (a parser in a loop). With progress in the heartbeat, only a job whose bytes
// advance is extended; a stuck one expires a lease after its last progress.
TEST_F(SchedulerTest, OnlyJobsThatReadMoreBytesAreExtended) {
  s.request(layer("moving"), Priority::kBulk, 1, 1, t0);
  s.request(layer("stuck"), Priority::kBulk, 1, 2, t0);
  s.ready("w", 2, t0);
  const auto d = s.dispatch(t0);
  ASSERT_EQ(d.size(), 2u);
  const auto moving = d[0].job->layer.diff_id == "sha256:moving" ? d[0].job->id : d[1].job->id;
  const auto stuck = d[0].job->layer.diff_id == "sha256:stuck" ? d[0].job->id : d[1].job->id;
  // Heartbeats every 4 s: the moving job reads on, the stuck one read 4096 bytes by the first
  // (t0+4s) and nothing since, so its lease ends 60 s after that.
  std::uint64_t bytes = 0;
  bool stuck_cancelled = false;
  for (auto t = t0 + 4s; t <= t0 + 120s; t += 4s) {
    bytes += 1000;
    const auto cancel = s.heartbeat("w", stuck_cancelled ? std::vector<std::uint64_t>{moving}
                                                          : std::vector<std::uint64_t>{moving, stuck},
                                    t, stuck_cancelled ? std::vector<std::uint64_t>{bytes}
                                                       : std::vector<std::uint64_t>{bytes, 4096});
    EXPECT_TRUE(cancel.empty());
    const auto expired = s.expire(t);
    if (t < t0 + 64s) {
      EXPECT_TRUE(expired.cancels.empty()) << (t - t0).count();
    } else if (!stuck_cancelled) {
      ASSERT_EQ(expired.cancels.size(), 1u);
      EXPECT_EQ(expired.cancels[0].second, stuck);
      EXPECT_FALSE(s.failed("w", stuck, {"unavailable", "cancelled", true, false}, t));  // the worker stops it
      stuck_cancelled = true;
    } else {
      EXPECT_TRUE(expired.cancels.empty());  // the moving job is never cancelled
    }
  }
  EXPECT_TRUE(stuck_cancelled);
  // (A worker that sends no progress has every job extended, as before:
  // HeartbeatsExtendLeasesAndExpiredLeasesAreCancelled.)
}

TEST_F(SchedulerTest, ALayerWhoseVerifiedBytesFailTheSameWayThreeTimesIsQuarantinedForAWhile) {
  s.request(layer("bad"), Priority::kBulk, 1, 7, t0);
  s.ready("w", 1, t0);
  auto now = t0;
  for (int attempt = 1; attempt <= 3; ++attempt) {
    s.ready("w", 1, now);  // alive, and free
    s.expire(now);         // the retry's time has come
    const auto d = s.dispatch(now);
    ASSERT_EQ(d.size(), 1u) << attempt;
    const auto end = s.failed("w", d[0].job->id, {"corrupt", "layer sha256:blob-bad: usr/lib/x: truncated", false, true}, now);
    if (attempt < 3) {
      EXPECT_FALSE(end);
    } else {
      ASSERT_TRUE(end);
      EXPECT_TRUE(end->quarantined);
      EXPECT_EQ(end->waiters, std::vector<WaiterId>{7});
    }
    now += 2min;
  }
  const auto later = s.request(layer("bad"), Priority::kBulk, 1, 8, now);
  ASSERT_TRUE(later);
  EXPECT_NE(later->find("truncated"), std::string::npos);
  const auto events = s.take_events();
  EXPECT_EQ(events.back().state, "quarantined");
  // It expires: a day later the layer is tried again.
  EXPECT_FALSE(s.request(layer("bad"), Priority::kBulk, 1, 9, now + config.quarantine_for));
  // And an operator may lift one at once.
  s.quarantine("sha256:other", "corrupt", now);
  EXPECT_TRUE(s.request(layer("other"), Priority::kBulk, 1, 10, now));
  s.lift("sha256:other");
  EXPECT_FALSE(s.request(layer("other"), Priority::kBulk, 1, 10, now));
}

// The attack: tenant A's registry serves bytes that do not match their digest, or cannot be
// reached, again and again. Before, three failures of one code quarantined the layer for every
// tenant; now none of them counts: an outage is retried with a backoff until attempts run out,
// bytes that do not verify end that job at once, and the layer stays open.
TEST_F(SchedulerTest, UnverifiedOrTransientFailuresNeverQuarantine) {
  auto now = t0;
  auto run = [&](const std::string& name, const std::vector<Scheduler::Failure>& failures) {
    s.request(layer(name), Priority::kBulk, 1, 1, now);
    std::optional<JobEnd> end;
    std::size_t tries = 0;
    while (!end && tries < failures.size()) {
      s.ready("w", 1, now);
      s.expire(now);
      const auto d = s.dispatch(now);
      if (d.empty()) {
        now += 1s;
        continue;
      }
      end = s.failed("w", d[0].job->id, failures[tries++], now);
    }
    EXPECT_TRUE(end) << name;
    if (end) {
      EXPECT_FALSE(end->quarantined) << name;
    }
    EXPECT_FALSE(s.request(layer(name), Priority::kBulk, 2, 2, now)) << name;  // open for the next scan
    return tries;
  };
  const Scheduler::Failure outage{"unavailable", "HTTP 503", true, false};
  EXPECT_EQ(run("outage", std::vector<Scheduler::Failure>(6, outage)), 6u);
  const Scheduler::Failure forged{"corrupt", "gzip: invalid block", false, false};  // did not verify
  EXPECT_EQ(run("forged", std::vector<Scheduler::Failure>(3, forged)), 1u);
  const Scheduler::Failure mismatch{"digest mismatch", "blob hashes to sha256:…", false, false};
  EXPECT_EQ(run("mismatch", std::vector<Scheduler::Failure>(3, mismatch)), 1u);
}

TEST_F(SchedulerTest, AFailedJobWaitsItsBackoffBeforeTheNextAttempt) {
  s.request(layer("flaky"), Priority::kBulk, 1, 1, t0);
  s.ready("w", 1, t0);
  auto d = s.dispatch(t0);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_FALSE(s.failed("w", d[0].job->id, {"unavailable", "HTTP 503", true, false}, t0));
  EXPECT_EQ(s.waiting(), 1u);
  s.expire(t0 + 999ms);
  EXPECT_TRUE(s.dispatch(t0 + 999ms).empty());  // 1 s after the first failure
  s.expire(t0 + 1s);
  d = s.dispatch(t0 + 1s);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_FALSE(s.failed("w", d[0].job->id, {"unavailable", "HTTP 503", true, false}, t0 + 1s));
  s.expire(t0 + 2s + 999ms);
  EXPECT_TRUE(s.dispatch(t0 + 2s + 999ms).empty());  // doubled: 2 s
  s.expire(t0 + 3s);
  EXPECT_EQ(s.dispatch(t0 + 3s).size(), 1u);
}

TEST_F(SchedulerTest, GoodbyeWithdrawsCreditsAndHandedBackJobsAreNotFailures) {
  s.request(layer("a"), Priority::kBulk, 1, 1);
  s.request(layer("b"), Priority::kBulk, 1, 2);
  s.ready("w", 2, t0);
  const auto d = s.dispatch(t0);
  ASSERT_EQ(d.size(), 2u);
  s.goodbye("w", {d[1].job->id});
  EXPECT_EQ(s.queued(), 1u);
  s.succeeded("w", d[0].job->id, d[0].job->layer.diff_id, t0);  // finishing, no credit back
  EXPECT_TRUE(s.dispatch(t0).empty());
  EXPECT_EQ(s.workers(), 0u);
  s.ready("w2", 1, t0);
  const auto next = s.dispatch(t0);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].job->attempts, 1);
}

TEST_F(SchedulerTest, InteractiveGoesFirstAndJoiningUpgradesABulkJob) {
  for (int i = 0; i < 3; ++i) s.request(layer("bulk" + std::to_string(i)), Priority::kBulk, 1, static_cast<WaiterId>(i));
  s.request(layer("ci"), Priority::kInteractive, 2, 10);
  s.request(layer("bulk2"), Priority::kInteractive, 2, 11);  // a pipeline needs a queued bulk layer
  s.ready("w", 1, t0);
  std::vector<std::string> order;
  for (int i = 0; i < 4; ++i) {
    const auto d = s.dispatch(t0);
    ASSERT_EQ(d.size(), 1u);
    order.push_back(d[0].job->layer.diff_id);
    s.succeeded("w", d[0].job->id, d[0].job->layer.diff_id, t0);
  }
  EXPECT_EQ(order, (std::vector<std::string>{"sha256:ci", "sha256:bulk2", "sha256:bulk0", "sha256:bulk1"}));
}

TEST_F(SchedulerTest, OneTenantsImportDoesNotStarveAnother) {
  for (int i = 0; i < 1000; ++i) s.request(layer("big" + std::to_string(i)), Priority::kBulk, 1, static_cast<WaiterId>(i));
  s.request(layer("small"), Priority::kBulk, 2, 5000);
  s.ready("w", 1, t0);
  int position = 0;
  for (; position < 1001; ++position) {
    const auto d = s.dispatch(t0);
    ASSERT_EQ(d.size(), 1u);
    const std::string diff_id = d[0].job->layer.diff_id;
    s.succeeded("w", d[0].job->id, diff_id, t0);
    if (diff_id == "sha256:small") break;
  }
  EXPECT_LE(position, 1);  // its turn comes right after the first of the import's jobs
}

}  // namespace
}  // namespace strata::coordinator
