#include "coordinator/scan/work_pool.h"

#include "common/log.h"

namespace strata::coordinator {

WorkPool::WorkPool(unsigned threads) {
  for (unsigned i = 0; i < threads; ++i) threads_.emplace_back([this] { loop(); });
}

WorkPool::~WorkPool() { stop(); }

void WorkPool::post(int priority_class, std::int64_t tenant, std::function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    const std::uint64_t id = next_id_++;
    tasks_.emplace(id, std::move(task));
    order_.push(priority_class, tenant, id, 0);
  }
  wake_.notify_one();
}

void WorkPool::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    tasks_.clear();
  }
  wake_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

void WorkPool::loop() {
  while (true) {
    std::function<void()> task;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !tasks_.empty(); });
      if (stopping_) return;
      const auto id = order_.pop([&](std::uint64_t task_id, std::uint64_t) { return tasks_.contains(task_id); });
      if (!id) continue;
      const auto it = tasks_.find(*id);
      task = std::move(it->second);
      tasks_.erase(it);
    }
    // The last line of defence: a task that throws must not end the process (its thread would
    // call std::terminate). Tasks turn their own errors into their image's error first.
    try {
      task();
    } catch (const std::exception& e) {
      log_error("pool", std::string("a task threw: ") + e.what());
    } catch (...) {
      log_error("pool", "a task threw an unknown exception");
    }
  }
}

}  // namespace strata::coordinator
