// Finds secrets in file contents with a rule set: one Hyperscan pass over the bytes, with every
// rule's keywords (as caseless literals) or, for a rule without keywords, its expression in
// prefilter mode, says which rules may match and where; only those rules' RE2 expressions then
// run, on line-aligned windows around those places, to confirm each match and extract its secret
// group, followed by the keyword, entropy and allowlist checks. A rule Hyperscan cannot take is run with RE2
// alone where its keywords occur. Built once per rule set; scan() is thread-safe (each thread
// keeps its own Hyperscan scratch space).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "worker/api/secret_rules.h"

namespace strata::worker {

struct SecretHit {
  std::string rule_id;
  std::string description;
  std::string severity;
  std::uint32_t line = 0;    // 1-based line of the match's start; 0 for a rule about the path alone
  std::string redacted;      // the secret's first characters then "****": never the secret itself
  std::string fingerprint;   // sha256 over rule id and secret, hex: equal secrets, equal prints
  bool operator==(const SecretHit&) const = default;
};

class SecretScanner {
 public:
  ~SecretScanner();
  SecretScanner(const SecretScanner&) = delete;
  SecretScanner& operator=(const SecretScanner&) = delete;

  // Rules whose expressions RE2 rejects are left out and named in skipped().
  static Result<std::shared_ptr<const SecretScanner>> compile(const SecretRuleSet& rules);

  // True when the global allowlist's paths exclude `path` entirely: the file need not be read.
  bool skips_path(std::string_view path) const;
  std::vector<SecretHit> scan(std::string_view path, std::string_view text) const;

  const std::vector<std::string>& skipped() const { return skipped_; }
  std::size_t rule_count() const;
  // Changes with any rule or allowlist: part of the layer cache key.
  std::uint32_t fingerprint() const { return fingerprint_; }

 private:
  struct Impl;
  explicit SecretScanner(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  std::vector<std::string> skipped_;
  std::uint32_t fingerprint_ = 0;
};

// Shannon entropy of `s` in bits per byte.
double shannon_entropy(std::string_view s);
// "AKIA****" style: at most 4 leading characters of the secret (fewer for short ones).
std::string redact_secret(std::string_view secret);

}  // namespace strata::worker
