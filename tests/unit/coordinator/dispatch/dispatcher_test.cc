// The Dispatcher in process, over real ZeroMQ sockets on loopback, with scripted workers: a
// request reaches a worker and its analysis the callback; equal requests are one job; a failed
// attempt is retried; a worker of another analyzer set gets nothing; garbage from a worker costs
// nothing but that frame.
#include "coordinator/dispatch/dispatcher.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <future>

#include "tests/support/ports.h"
#include "tests/support/scripted_worker.h"

namespace strata::coordinator {
namespace {

using namespace std::chrono_literals;
using Answer = Result<std::shared_ptr<const LayerAnalysis>>;

LayerAnalysis analysis_saying(const std::string& word) {
  LayerAnalysis a;
  a.warnings.push_back(word);
  return a;
}

class DispatcherTest : public ::testing::Test {
 protected:
  DispatcherTest() {
    config_.bind = "tcp://127.0.0.1:" + std::to_string(test::free_port());
    config_.analyzer_set = 7;
    config_.heartbeat = 100ms;
    config_.scheduler.retry_backoff = 10ms;
  }
  void start() {
    dispatcher_ = std::make_unique<Dispatcher>(config_, metrics_, nullptr, 1, std::map<std::string, std::string>{});
    auto started = dispatcher_->start();
    ASSERT_TRUE(started) << started.error().message();
  }
  void TearDown() override {
    if (dispatcher_) dispatcher_->stop();
  }
  // Requests one layer and returns the answer's future.
  std::future<Answer> request(const std::string& id, TenantId tenant = 1) {
    auto promise = std::make_shared<std::promise<Answer>>();
    auto answer = promise->get_future();
    LayerNeed need;
    need.layer = {"sha256:d" + id, "sha256:b" + id, "application/vnd.oci.image.layer.v1.tar", 1, {"/none", "", ""},
                  "", nullptr, ""};
    need.tenant = tenant;
    need.done = [promise](Answer a) { promise->set_value(std::move(a)); };
    dispatcher_->request({std::move(need)});
    return answer;
  }
  test::ScriptedWorkerOptions worker(const std::string& name) {
    return {.name = name, .slots = 2, .analyzer_set = config_.analyzer_set};
  }
  std::uint64_t counter(const std::string& name) { return metrics_.counter(name, "").value(); }

  DispatcherConfig config_;
  MetricsRegistry metrics_;
  std::unique_ptr<Dispatcher> dispatcher_;
};

TEST_F(DispatcherTest, ALayerRequestedReachesAWorkerAndItsAnalysisTheCallback) {
  start();
  test::ScriptedWorker w(config_.bind, worker("w1"), [](const test::ReceivedJob& job) -> test::JobReply {
    return analysis_saying("analysed " + job.diff_id);
  });
  auto answer = request("1");
  ASSERT_EQ(answer.wait_for(10s), std::future_status::ready);
  auto got = answer.get();
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ(**got, analysis_saying("analysed sha256:d1"));
  EXPECT_EQ(counter("strata_layers_analyzed_total"), 1u);
}

TEST_F(DispatcherTest, EqualRequestsAreOneJobAndEveryWaiterIsAnswered) {
  start();
  std::promise<void> release;
  auto released = release.get_future().share();
  test::ScriptedWorker w(config_.bind, worker("w1"), [released](const test::ReceivedJob&) -> test::JobReply {
    released.wait();  // hold the job until both requests are in
    return analysis_saying("once");
  });
  auto first = request("same", 1);
  auto second = request("same", 2);
  release.set_value();
  ASSERT_EQ(first.wait_for(10s), std::future_status::ready);
  ASSERT_EQ(second.wait_for(10s), std::future_status::ready);
  EXPECT_TRUE(first.get());
  EXPECT_TRUE(second.get());
  EXPECT_EQ(w.received().size(), 1u);
}

TEST_F(DispatcherTest, AFailedAttemptIsRetriedAndTheRetryAnswers) {
  start();
  std::atomic<int> attempts{0};
  test::ScriptedWorker w(config_.bind, worker("w1"), [&](const test::ReceivedJob&) -> test::JobReply {
    if (attempts.fetch_add(1) == 0) return test::JobFailureReply{"kUnavailable", "registry hiccup", true, false};
    return analysis_saying("second time");
  });
  auto answer = request("flaky");
  ASSERT_EQ(answer.wait_for(10s), std::future_status::ready);
  auto got = answer.get();
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ(**got, analysis_saying("second time"));
  EXPECT_EQ(attempts.load(), 2);
  EXPECT_EQ(counter("strata_jobs_failed_total"), 1u);
}

TEST_F(DispatcherTest, AWorkerOfAnotherAnalyzerSetIsRefusedAndGetsNoJob) {
  start();
  auto other = worker("stale");
  other.analyzer_set = 8;
  test::ScriptedWorker stale(config_.bind, other, test::empty_analysis);
  auto answer = request("1");
  EXPECT_EQ(answer.wait_for(500ms), std::future_status::timeout);
  EXPECT_TRUE(stale.received().empty());
  EXPECT_EQ(counter("strata_workers_refused_total"), 1u);
  test::ScriptedWorker current(config_.bind, worker("current"), test::empty_analysis);
  ASSERT_EQ(answer.wait_for(10s), std::future_status::ready);
  EXPECT_TRUE(answer.get());
}

TEST_F(DispatcherTest, GarbageFromAWorkerIsDroppedAndServiceGoesOn) {
  start();
  test::ScriptedWorker w(config_.bind, worker("w1"), test::empty_analysis);
  w.send_raw("this is not a Cap'n Proto message");
  w.send_raw(std::string(64, '\xff'));
  auto answer = request("after-garbage");
  ASSERT_EQ(answer.wait_for(10s), std::future_status::ready);
  EXPECT_TRUE(answer.get());
}

}  // namespace
}  // namespace strata::coordinator
