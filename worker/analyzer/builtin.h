// Factories for the analyzers strata ships; builtin.cc registers each one.
#pragma once

#include <memory>

#include "worker/analyzer/registry.h"

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

}  // namespace strata::worker
