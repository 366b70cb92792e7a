// The set of analyzers a walk runs. A value, built once (builtin_analyzers()) and passed to the
// walker; read-only during walks, so shared freely between threads.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "worker/analyzer/analyzer.h"

namespace strata::worker {

class AnalyzerRegistry {
 public:
  void add(std::unique_ptr<Analyzer> analyzer) { analyzers_.push_back(std::move(analyzer)); }
  std::span<const std::unique_ptr<Analyzer>> analyzers() const { return analyzers_; }
  // A hash of every (id, version) pair: joins the diff_id in the layer cache key, so a release
  // that changes an analyzer invalidates old results by key.
  std::uint64_t set_version() const;

 private:
  std::vector<std::unique_ptr<Analyzer>> analyzers_;
};

// Every analyzer strata ships. Adding one is one line in builtin.cc.
AnalyzerRegistry builtin_analyzers();

}  // namespace strata::worker
