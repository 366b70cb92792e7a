// A worker for the coordinator's tests and benchmarks: a real DEALER socket that says Ready and
// answers every Job through a script (an analysis, or a failure), with none of the analysis. What
// it tests is the coordinator's side of the wire: the scheduler, the messages, the sockets.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "common/image/layer_analysis.h"

namespace strata::test {

struct JobFailureReply {
  std::string code = "kInvalidInput";
  std::string message = "scripted failure";
  bool retryable = true;
  bool verified = false;
};
struct ReceivedJob {
  std::uint64_t id = 0;
  std::string diff_id;
  std::string digest;
};
// What the worker answers a job with.
using JobReply = std::variant<LayerAnalysis, JobFailureReply>;
using JobScript = std::function<JobReply(const ReceivedJob&)>;

struct ScriptedWorkerOptions {
  std::string name = "scripted";
  unsigned slots = 4;
  std::uint64_t analyzer_set = 0;
  std::uint32_t protocol = 0;  // 0: the current one
  bool record = true;          // keep the jobs received (the benchmark does not)
};

class ScriptedWorker {
 public:
  ScriptedWorker(const std::string& address, ScriptedWorkerOptions options, JobScript script);
  ~ScriptedWorker();
  ScriptedWorker(const ScriptedWorker&) = delete;
  ScriptedWorker& operator=(const ScriptedWorker&) = delete;

  // Sends these bytes as one frame, as a broken or hostile worker would.
  void send_raw(const std::string& bytes);
  std::vector<ReceivedJob> received() const;

 private:
  void run(const std::string& address, ScriptedWorkerOptions options);

  JobScript script_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::vector<ReceivedJob> received_;
  std::vector<std::string> raw_;  // frames send_raw queued for the worker's thread
  std::atomic<bool> has_raw_{false};
  std::thread thread_;
};

// Every job answered at once with an empty analysis (the dispatch benchmark's worker).
JobReply empty_analysis(const ReceivedJob&);

}  // namespace strata::test
