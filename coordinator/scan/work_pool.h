// A fixed set of threads doing the coordinator's blocking per-image work (reading manifests,
// Redis lookups, matching, PostgreSQL writes) so that neither the dispatcher nor the HTTP threads
// wait on it. Tasks are taken in the FairQueue's order, as layer jobs are: interactive before
// bulk, tenants in turn, so one tenant's large import does not queue another's single image
// behind thousands of its own.
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "coordinator/scheduler/fair_queue.h"

namespace strata::coordinator {

class WorkPool {
 public:
  explicit WorkPool(unsigned threads);
  ~WorkPool();

  void post(int priority_class, std::int64_t tenant, std::function<void()> task);
  // Tasks not yet started are dropped: scans are durable and resume at the next start.
  void stop();

 private:
  void loop();

  std::mutex mutex_;
  std::condition_variable wake_;
  FairQueue order_;
  std::map<std::uint64_t, std::function<void()>> tasks_;
  std::uint64_t next_id_ = 1;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace strata::coordinator
