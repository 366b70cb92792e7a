#include "worker/analyzer/builtin.h"

#include <utility>

#include "worker/api/secret_scanner.h"

namespace strata::worker {
std::shared_ptr<const SecretScanner> builtin_secret_scanner() {
  static const std::shared_ptr<const SecretScanner> scanner = [] {
    auto compiled = SecretScanner::compile(default_secret_rules());
    // The built-in rules are tested to compile; without them there is nothing to fall back on.
    return compiled ? *compiled : nullptr;
  }();
  return scanner;
}

AnalyzerRegistry builtin_analyzers(const AnalyzerOptions& options) {
  AnalyzerRegistry registry;
  if (options.packages) {
    registry.add(make_os_analyzer());
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (registry.add(make_package_analyzer<static_cast<Ecosystem>(I)>()), ...);
    }(std::make_index_sequence<kEcosystemCount>{});
  }
  if (options.config) {
    registry.add(make_file_facts_analyzer());
    registry.set_config_checks(true);
  }
  if (options.secrets) {
    auto scanner = options.secret_scanner ? options.secret_scanner : builtin_secret_scanner();
    if (scanner) {
      registry.set_secret_scanner(scanner);
      registry.add(make_secret_analyzer(std::move(scanner), options.secret_max_file_bytes));
    }
  }
  return registry;
}

}  // namespace strata::worker
