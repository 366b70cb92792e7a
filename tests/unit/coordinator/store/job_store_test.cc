// Jobs and quarantine: the latest state per job, quarantines that persist, lapse and lift.
#include "tests/unit/coordinator/store/store_fixture.h"

namespace strata::coordinator::test_store {
namespace {

TEST_F(StoreTest, JobEventsKeepTheLatestStatePerJobAndQuarantinesPersist) {
  ASSERT_TRUE(jobs_->record_jobs({{1, "sha256:a", "sha256:ab", "queued", 0, "", ""},
                                   {1, "sha256:a", "sha256:ab", "leased", 1, "w1", ""},
                                   {2, "sha256:b", "sha256:bb", "queued", 0, "", ""}}));
  ASSERT_TRUE(jobs_->record_jobs({{1, "sha256:a", "sha256:ab", "failed", 1, "w1", "digest mismatch"}}));
  auto rows = db_->exec("SELECT id, state, attempts, worker, last_error FROM jobs ORDER BY id");
  ASSERT_EQ(rows->rows(), 2);
  EXPECT_EQ(rows->get(0, 1), "failed");
  EXPECT_EQ(rows->get(0, 4), "digest mismatch");
  EXPECT_EQ(rows->get(1, 1), "queued");
  EXPECT_EQ(*jobs_->max_job_id(), 2u);
  ASSERT_TRUE(jobs_->quarantine_layer("sha256:a", "sha256:ab", 3, "digest mismatch"));
  auto q = jobs_->quarantined_layers(std::chrono::hours(24));
  ASSERT_TRUE(q);
  EXPECT_EQ(q->at("sha256:a"), "digest mismatch");
}

// Issue 14, defect 4: a quarantine lapses and an operator can list and lift it.
TEST_F(StoreTest, QuarantinesLapseAndCanBeListedAndLifted) {
  ASSERT_TRUE(jobs_->quarantine_layer("sha256:q", "sha256:qb", 3, "usr/lib/x: truncated"));
  auto listed = jobs_->list_quarantines(std::chrono::hours(24));
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].diff_id, "sha256:q");
  EXPECT_EQ((*listed)[0].failures, 3);
  EXPECT_EQ((*listed)[0].quarantined_at.size(), 20u);  // 2026-12-06T22:59:37Z
  // Lapsed: a quarantine older than the window is not read back.
  ASSERT_TRUE(db_->exec("UPDATE layers SET quarantined_at = now() - interval '25 hours' WHERE diff_id = 'sha256:q'"));
  EXPECT_TRUE(jobs_->quarantined_layers(std::chrono::hours(24))->empty());
  EXPECT_EQ(jobs_->quarantined_layers(std::chrono::hours(48))->size(), 1u);
  // Lifted: gone at once, and reported to running coordinators for a while.
  EXPECT_TRUE(*jobs_->lift_quarantine("sha256:q"));
  EXPECT_FALSE(*jobs_->lift_quarantine("sha256:q"));
  EXPECT_TRUE(jobs_->quarantined_layers(std::chrono::hours(48))->empty());
  EXPECT_EQ(*jobs_->recently_lifted(std::chrono::seconds(30)), std::vector<std::string>{"sha256:q"});
}

}  // namespace
}  // namespace strata::coordinator::test_store
