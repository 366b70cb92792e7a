// Analyzer sets for tenants' own secret rules (a job's secretRules): each rule set compiled once
// and kept for the next jobs that name it, the 16 most recently used. A set differs from the
// worker's built-in one only in its secret scanner.
#pragma once

#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "common/error.h"
#include "worker/api/analyzer_registry.h"

namespace strata::worker {

class SecretRuleSets {
 public:
  // An error names what in the rules does not compile.
  Result<std::shared_ptr<const AnalyzerRegistry>> get(const std::string& toml);

 private:
  static constexpr std::size_t kKept = 16;
  std::mutex mutex_;
  std::list<std::pair<std::string, std::shared_ptr<const AnalyzerRegistry>>> recent_;  // by digest, newest first
};

}  // namespace strata::worker
