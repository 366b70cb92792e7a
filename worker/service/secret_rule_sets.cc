#include "worker/service/secret_rule_sets.h"

#include "worker/api/secret_rules.h"
#include "worker/api/secret_scanner.h"

namespace strata::worker {

Result<std::shared_ptr<const AnalyzerRegistry>> SecretRuleSets::get(const std::string& toml) {
  const std::string digest = secret_rules_digest(toml);
  {
    std::lock_guard lock(mutex_);
    for (auto it = recent_.begin(); it != recent_.end(); ++it) {
      if (it->first != digest) continue;
      recent_.splice(recent_.begin(), recent_, it);
      return recent_.front().second;
    }
  }
  // Compiled outside the lock: a large rule set takes a while, and other jobs go on meanwhile.
  auto rules = secret_rules_from_text(toml, "the tenant's secret rules");
  if (!rules) return std::unexpected(rules.error());
  auto scanner = SecretScanner::compile(*rules);
  if (!scanner) return std::unexpected(scanner.error().with_context("the tenant's secret rules"));
  AnalyzerOptions options;
  options.secret_scanner = *scanner;
  auto registry = std::make_shared<const AnalyzerRegistry>(builtin_analyzers(options));
  std::lock_guard lock(mutex_);
  recent_.emplace_front(digest, registry);
  if (recent_.size() > kKept) recent_.pop_back();
  return registry;
}

}  // namespace strata::worker
