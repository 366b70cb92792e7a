// The whole layer path on untrusted bytes: sniff, decompress, hash, tar walk, every analyzer.
#include <cstddef>
#include <cstdint>

#include "worker/api/analyzer_registry.h"
#include "worker/layer/analyze_layer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto registry = strata::worker::builtin_analyzers();
  strata::worker::MemorySource source(std::as_bytes(std::span(data, size)));
  strata::WalkLimits limits;
  limits.max_entry_bytes = 1 << 20;
  limits.stream.max_uncompressed_bytes = 64 << 20;
  (void)strata::worker::analyze_layer(source, {}, registry, limits);
  return 0;
}
