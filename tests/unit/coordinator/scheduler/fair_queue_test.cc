// The FairQueue's order: interactive before bulk; within a class, tenants take turns whatever
// order they pushed in; stale entries (not live any more) are skipped and dropped.
#include "coordinator/scheduler/fair_queue.h"

#include <gtest/gtest.h>

#include <set>
#include <vector>

namespace strata::coordinator {
namespace {

std::vector<std::uint64_t> drain(FairQueue& q, const std::set<std::uint64_t>& stale = {}) {
  std::vector<std::uint64_t> out;
  while (auto id = q.pop([&](std::uint64_t job, std::uint64_t) { return !stale.contains(job); })) out.push_back(*id);
  return out;
}

TEST(FairQueue, TenantsTakeTurnsWithinAClass) {
  FairQueue q;
  for (std::uint64_t j = 1; j <= 4; ++j) q.push(1, /*tenant=*/7, j, 0);  // a big import first
  q.push(1, 8, 10, 0);
  q.push(1, 9, 20, 0);
  q.push(1, 8, 11, 0);
  EXPECT_EQ(drain(q), (std::vector<std::uint64_t>{1, 10, 20, 2, 11, 3, 4}));
  EXPECT_EQ(q.size(), 0u);
}

TEST(FairQueue, InteractiveBeforeBulk) {
  FairQueue q;
  q.push(1, 1, 1, 0);
  q.push(1, 2, 2, 0);
  q.push(0, 2, 3, 0);
  EXPECT_EQ(drain(q), (std::vector<std::uint64_t>{3, 1, 2}));
}

TEST(FairQueue, StaleEntriesAreSkippedAndDropped) {
  FairQueue q;
  q.push(1, 1, 1, 0);
  q.push(1, 1, 2, 0);
  q.push(1, 2, 3, 0);
  EXPECT_EQ(drain(q, {1, 3}), (std::vector<std::uint64_t>{2}));
  EXPECT_EQ(q.size(), 0u);
  EXPECT_FALSE(q.pop([](std::uint64_t, std::uint64_t) { return true; }));
}

}  // namespace
}  // namespace strata::coordinator
