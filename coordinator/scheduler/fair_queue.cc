#include "coordinator/scheduler/fair_queue.h"

namespace strata::coordinator {

void FairQueue::push(int priority_class, std::int64_t tenant, std::uint64_t job, std::uint64_t token) {
  Lane& lane = lanes_[priority_class];
  auto& q = lane.by_tenant[tenant];
  if (q.empty()) lane.turn.push_back(tenant);
  q.push_back({job, token});
  ++size_;
}

std::optional<std::uint64_t> FairQueue::pop(const std::function<bool(std::uint64_t, std::uint64_t)>& live) {
  for (Lane& lane : lanes_) {
    while (!lane.turn.empty()) {
      const std::int64_t tenant = lane.turn.front();
      lane.turn.pop_front();
      auto it = lane.by_tenant.find(tenant);
      auto& q = it->second;
      std::optional<std::uint64_t> found;
      while (!q.empty() && !found) {
        const Entry e = q.front();
        q.pop_front();
        --size_;
        if (live(e.job, e.token)) found = e.job;
      }
      if (q.empty()) {
        lane.by_tenant.erase(it);
      } else {
        lane.turn.push_back(tenant);  // its next entry waits for the other tenants' turns
      }
      if (found) return found;
    }
  }
  return std::nullopt;
}

}  // namespace strata::coordinator
