// Layer jobs and quarantine: every job's last state (written in batches by the JobLog), and the
// layers quarantined after failing on every worker, until they expire or an operator lifts them.
// Layers are content, not tenant-owned: these are the coordinator's own, never an API's.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "coordinator/store/pg.h"

namespace strata::coordinator {

// A job's state change, written in batches.
struct JobEvent {
  std::uint64_t id = 0;
  std::string diff_id;
  std::string digest;
  std::string state;  // queued, leased, done, failed, quarantined
  int attempts = 0;
  std::string worker;
  std::string error;
};

struct QuarantineRow {
  std::string diff_id, digest, error, quarantined_at, expires_at;
  int failures = 0;
};

class JobStore {
 public:
  explicit JobStore(PgPool& pool) : pool_(pool) {}

  Result<std::uint64_t> max_job_id();
  Result<void> record_jobs(const std::vector<JobEvent>& events);
  Result<void> quarantine_layer(const std::string& diff_id, const std::string& digest, int failures,
                                const std::string& error);
  // Quarantines younger than `lasting` and not lifted: diff_id → the error.
  Result<std::map<std::string, std::string>> quarantined_layers(std::chrono::seconds lasting);
  Result<std::vector<QuarantineRow>> list_quarantines(std::chrono::seconds lasting);
  // Ends a quarantine now; false when the layer was not quarantined.
  Result<bool> lift_quarantine(const std::string& diff_id);
  // Layers lifted in the last `window` (and not quarantined again since), for running coordinators.
  Result<std::vector<std::string>> recently_lifted(std::chrono::seconds window);

 private:
  PgPool& pool_;
};

}  // namespace strata::coordinator
