// The order in which queued layer jobs go out: interactive before bulk, and within each class
// round-robin across tenants, so that one tenant's ten-thousand-image import waits its turn
// behind another tenant's single scan instead of ahead of it. Entries are (job, token): a job
// re-queued or moved to another class gets a new token, and stale entries are skipped on pop.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>

namespace strata::coordinator {

class FairQueue {
 public:
  static constexpr int kClasses = 2;  // 0: interactive, 1: bulk

  void push(int priority_class, std::int64_t tenant, std::uint64_t job, std::uint64_t token);
  // The next entry for which `live(job, token)` holds; stale ones are dropped on the way.
  std::optional<std::uint64_t> pop(const std::function<bool(std::uint64_t, std::uint64_t)>& live);
  std::size_t size() const { return size_; }  // entries, stale ones included

 private:
  struct Entry {
    std::uint64_t job;
    std::uint64_t token;
  };
  struct Lane {
    std::map<std::int64_t, std::deque<Entry>> by_tenant;
    std::deque<std::int64_t> turn;  // tenants with entries, in the order they get the next pop
  };
  Lane lanes_[kClasses];
  std::size_t size_ = 0;
};

}  // namespace strata::coordinator
