// The WorkPool: tasks run in the FairQueue's order on its threads; a task that throws is logged
// and its thread goes on; stop() drops what has not started and joins.
#include "coordinator/scan/work_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <vector>

namespace strata::coordinator {
namespace {

TEST(WorkPool, TasksRunInTheFairOrder) {
  WorkPool pool(1);
  std::mutex m;
  std::condition_variable cv;
  bool release = false;
  std::vector<int> order;
  // Hold the only thread while the rest queue up.
  pool.post(1, 0, [&] {
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return release; });
  });
  auto record = [&](int n) {
    return [&, n] {
      std::lock_guard lock(m);
      order.push_back(n);
      cv.notify_all();
    };
  };
  pool.post(1, 7, record(1));
  pool.post(1, 7, record(2));
  pool.post(1, 8, record(3));
  pool.post(0, 9, record(4));
  {
    std::lock_guard lock(m);
    release = true;
  }
  cv.notify_all();
  std::unique_lock lock(m);
  ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return order.size() == 4; }));
  EXPECT_EQ(order, (std::vector<int>{4, 1, 3, 2}));
}

TEST(WorkPool, AThrowingTaskDoesNotEndItsThread) {
  WorkPool pool(1);
  std::atomic<int> ran{0};
  pool.post(1, 0, [] { throw std::runtime_error("a task's bug"); });
  pool.post(1, 0, [] { throw 42; });
  pool.post(1, 0, [&] { ++ran; });
  for (int i = 0; i < 500 && ran.load() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(ran.load(), 1);
}

TEST(WorkPool, StopDropsWhatHasNotStarted) {
  std::atomic<int> ran{0};
  {
    WorkPool pool(1);
    std::mutex m;
    std::condition_variable cv;
    bool started = false;
    pool.post(1, 0, [&] {
      {
        std::lock_guard lock(m);
        started = true;
      }
      cv.notify_all();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      ++ran;
    });
    for (int i = 0; i < 10; ++i) pool.post(1, 0, [&] { ++ran; });
    std::unique_lock lock(m);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return started; }));
    lock.unlock();
    pool.stop();
    pool.post(1, 0, [&] { ++ran; });  // after stop: ignored
  }
  EXPECT_EQ(ran.load(), 1);  // the running task finished; none of the queued ones ran
}

}  // namespace
}  // namespace strata::coordinator
