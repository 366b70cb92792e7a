// Factories for the analyzers strata ships; builtin.cc registers each one.
#pragma once

#include <memory>

#include "worker/api/analyzer_registry.h"

namespace strata::worker {

std::unique_ptr<Analyzer> make_os_analyzer();
std::unique_ptr<Analyzer> make_dpkg_analyzer();
std::unique_ptr<Analyzer> make_apk_analyzer();
std::unique_ptr<Analyzer> make_rpm_analyzer();
// Language packages (worker/analyzer/lang/).
std::unique_ptr<Analyzer> make_pypi_analyzer();
std::unique_ptr<Analyzer> make_npm_analyzer();
std::unique_ptr<Analyzer> make_golang_analyzer();
std::unique_ptr<Analyzer> make_maven_analyzer();
std::unique_ptr<Analyzer> make_gem_analyzer();
std::unique_ptr<Analyzer> make_cargo_analyzer();
std::unique_ptr<Analyzer> make_composer_analyzer();
std::unique_ptr<Analyzer> make_nuget_analyzer();
// File-system facts for the image checks (worker/analyzer/file_facts.cc).
std::unique_ptr<Analyzer> make_file_facts_analyzer();
// Secrets in file contents (worker/analyzer/secret.cc).
std::unique_ptr<Analyzer> make_secret_analyzer(std::shared_ptr<const SecretScanner> scanner,
                                               std::uint64_t max_file_bytes);

}  // namespace strata::worker
