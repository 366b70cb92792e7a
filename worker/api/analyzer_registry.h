// The set of analyzers a walk runs. A value, built once (builtin_analyzers()) and passed to the
// walker; read-only during walks, so shared freely between threads.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "worker/analyzer/analyzer.h"

namespace strata::worker {

class SecretScanner;

class AnalyzerRegistry {
 public:
  void add(std::unique_ptr<Analyzer> analyzer) { analyzers_.push_back(std::move(analyzer)); }
  std::span<const std::unique_ptr<Analyzer>> analyzers() const { return analyzers_; }
  // A hash of every (id, version) pair: joins the diff_id in the layer cache key, so a release
  // that changes an analyzer invalidates old results by key.
  std::uint64_t set_version() const;
  // The secret rules this set scans files with, for the image config too; null without secrets.
  const std::shared_ptr<const SecretScanner>& secret_scanner() const { return secret_scanner_; }
  void set_secret_scanner(std::shared_ptr<const SecretScanner> scanner) { secret_scanner_ = std::move(scanner); }
  // Whether the configuration checks run on images walked with this set.
  bool config_checks() const { return config_checks_; }
  void set_config_checks(bool on) { config_checks_ = on; }

 private:
  std::vector<std::unique_ptr<Analyzer>> analyzers_;
  std::shared_ptr<const SecretScanner> secret_scanner_;
  bool config_checks_ = false;
};

// What a walk looks for (`--scanners`): packages (OS and language, for vulnerabilities),
// secrets, with the secret rules and the largest file read for them, and the file-system facts
// the configuration checks read.
struct AnalyzerOptions {
  bool packages = true;
  bool secrets = true;
  bool config = true;
  std::shared_ptr<const SecretScanner> secret_scanner{};  // null: strata's built-in rules
  std::uint64_t secret_max_file_bytes = 10u << 20;
};

// Every analyzer strata ships, as `options` select them. Adding one is one line in builtin.cc.
AnalyzerRegistry builtin_analyzers(const AnalyzerOptions& options = {});

// The built-in secret rules, compiled once.
std::shared_ptr<const SecretScanner> builtin_secret_scanner();

}  // namespace strata::worker
