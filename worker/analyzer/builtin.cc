#include "worker/analyzer/builtin.h"

namespace strata::worker {

AnalyzerRegistry builtin_analyzers() {
  AnalyzerRegistry registry;
  registry.add(make_os_analyzer());
  registry.add(make_dpkg_analyzer());
  registry.add(make_apk_analyzer());
  registry.add(make_rpm_analyzer());
  registry.add(make_pypi_analyzer());
  registry.add(make_npm_analyzer());
  registry.add(make_golang_analyzer());
  registry.add(make_maven_analyzer());
  registry.add(make_gem_analyzer());
  registry.add(make_cargo_analyzer());
  registry.add(make_composer_analyzer());
  registry.add(make_nuget_analyzer());
  return registry;
}

}  // namespace strata::worker
