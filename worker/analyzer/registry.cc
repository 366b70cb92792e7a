#include "worker/api/analyzer_registry.h"

namespace strata::worker {

std::uint64_t AnalyzerRegistry::set_version() const {
  // FNV-1a over the (name, version) pairs in registration order.
  std::uint64_t hash = 14695981039346656037ull;
  auto mix = [&](std::uint64_t value) {
    for (int i = 0; i < 8; ++i) {
      hash ^= (value >> (8 * i)) & 0xff;
      hash *= 1099511628211ull;
    }
  };
  for (const auto& a : analyzers_) {
    for (const char c : a->name()) mix(static_cast<unsigned char>(c));
    mix(a->version());
  }
  return hash;
}

}  // namespace strata::worker
