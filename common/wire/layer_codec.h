// LayerAnalysis to bytes and back: a Cap'n Proto message (schema/layer.capnp), zstd-compressed.
// The bytes a worker sends the coordinator and stores in the Redis layer cache. Decoding takes
// untrusted bytes (a cache is shared storage) and answers damage with kCorrupt, never a crash.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "common/error.h"
#include "common/image/layer_analysis.h"

namespace strata {

std::vector<std::byte> encode_layer_analysis(const LayerAnalysis& analysis);

// Refuses more than `max_bytes` once decompressed (the bound a cache entry may not exceed).
Result<LayerAnalysis> decode_layer_analysis(std::span<const std::byte> bytes,
                                            std::size_t max_bytes = 256u << 20);

}  // namespace strata
