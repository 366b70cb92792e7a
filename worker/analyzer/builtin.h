// Factories for the analyzers strata ships; builtin.cc registers each one.
#pragma once

#include <memory>

#include "worker/analyzer/registry.h"

namespace strata::worker {

std::unique_ptr<Analyzer> make_os_analyzer();
std::unique_ptr<Analyzer> make_dpkg_analyzer();
std::unique_ptr<Analyzer> make_apk_analyzer();
std::unique_ptr<Analyzer> make_rpm_analyzer();

}  // namespace strata::worker
