#include "worker/analyzer/builtin.h"

namespace strata::worker {

AnalyzerRegistry builtin_analyzers() {
  AnalyzerRegistry registry;
  registry.add(make_os_analyzer());
  registry.add(make_dpkg_analyzer());
  registry.add(make_apk_analyzer());
  registry.add(make_rpm_analyzer());
  return registry;
}

}  // namespace strata::worker
