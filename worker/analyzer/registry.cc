#include "worker/api/analyzer_registry.h"

namespace strata::worker {

std::string_view to_string(AnalyzerId id) {
  switch (id) {
    case AnalyzerId::kOs: return "os";
    case AnalyzerId::kDpkg: return "dpkg";
    case AnalyzerId::kApk: return "apk";
    case AnalyzerId::kRpm: return "rpm";
    case AnalyzerId::kPypi: return "pypi";
    case AnalyzerId::kNpm: return "npm";
    case AnalyzerId::kGolang: return "golang";
    case AnalyzerId::kMaven: return "maven";
    case AnalyzerId::kGem: return "gem";
    case AnalyzerId::kCargo: return "cargo";
    case AnalyzerId::kComposer: return "composer";
    case AnalyzerId::kNuget: return "nuget";
    case AnalyzerId::kSecret: return "secret";
    case AnalyzerId::kFiles: return "files";
  }
  return "unknown";
}

std::uint64_t AnalyzerRegistry::set_version() const {
  // FNV-1a over the (id, version) pairs in registration order.
  std::uint64_t hash = 14695981039346656037ull;
  auto mix = [&](std::uint64_t value) {
    for (int i = 0; i < 8; ++i) {
      hash ^= (value >> (8 * i)) & 0xff;
      hash *= 1099511628211ull;
    }
  };
  for (const auto& a : analyzers_) {
    mix(static_cast<std::uint64_t>(a->id()));
    mix(a->version());
  }
  return hash;
}

}  // namespace strata::worker
