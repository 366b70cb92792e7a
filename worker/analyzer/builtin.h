// Factories for the analyzers strata ships; builtin.cc registers each one.
#pragma once

#include <memory>

#include "common/ecosystems.h"
#include "worker/api/analyzer_registry.h"

namespace strata::worker {

std::unique_ptr<Analyzer> make_os_analyzer();
// The analyzer of an ecosystem's package databases or lock files: one explicit specialisation per
// row of the ecosystem table (common/ecosystems.h), in that analyzer's own file; builtin.cc
// registers one per row.
template <Ecosystem E>
std::unique_ptr<Analyzer> make_package_analyzer();
// File-system facts for the image checks (worker/analyzer/file_facts.cc).
std::unique_ptr<Analyzer> make_file_facts_analyzer();
// Secrets in file contents (worker/analyzer/secret.cc).
std::unique_ptr<Analyzer> make_secret_analyzer(std::shared_ptr<const SecretScanner> scanner,
                                               std::uint64_t max_file_bytes);

}  // namespace strata::worker
