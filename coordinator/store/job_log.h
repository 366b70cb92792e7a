// Job state changes and quarantines, written to PostgreSQL by a thread of their own in batches,
// so that the dispatcher never waits on the database. What is in flight when the process dies is
// rebuilt at the next start from the scans, which are written synchronously; this log is the
// record of what happened, and the quarantine list survives restarts through it. The same thread
// looks for quarantines an operator lifted (every few seconds), for the dispatcher to take.
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "coordinator/store/job_store.h"

namespace strata::coordinator {

class JobLog {
 public:
  explicit JobLog(JobStore& store);
  ~JobLog();

  void record(std::vector<JobEvent> events);
  void quarantine(std::string diff_id, std::string digest, int failures, std::string error);
  // Layers whose quarantine an operator lifted since the last call.
  std::vector<std::string> take_lifted();
  // Writes what is pending and ends the thread.
  void stop();

 private:
  struct Quarantine {
    std::string diff_id, digest;
    int failures;
    std::string error;
  };
  void loop();

  JobStore& store_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<JobEvent> events_;
  std::vector<Quarantine> quarantines_;
  std::vector<std::string> lifted_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace strata::coordinator
