// Analysis of one layer blob from end to end: stream it once (decompress, hash both sides), walk
// its tar, and check the digests it was named by. The unit of work a worker runs; the embedded
// CLI runs the same function. Thread-compatible: one call per thread, the registry shared.
#pragma once

#include <optional>
#include <string>

#include "common/digest.h"
#include "common/image/layer_analysis.h"
#include "common/image/media_type.h"
#include "worker/api/analyzer_registry.h"
#include "worker/source/byte_source.h"
#include "common/wire/walk_limits.h"

namespace strata::worker {

struct LayerExpectation {
  std::optional<BlobDigest> digest;  // from the manifest; checked when present
  std::optional<DiffId> diff_id;     // from the image config; checked when present
};

struct AnalyzedLayer {
  LayerAnalysis analysis;
  BlobDigest digest;             // what the blob hashed to
  DiffId diff_id;                // what its tar hashed to
  std::uint64_t size = 0;        // blob bytes
  Compression compression = Compression::kNone;  // as told by magic bytes
};

// How a layer's stages run: on the calling thread, or decompression and hashing on a second
// thread while the calling thread walks (worth it for large layers; the result is the same).
enum class Stages { kSequential, kPipelined };

// Errors carry no layer name: the caller knows it and adds it. kDigestMismatch names both
// digests of the side that differs.
Result<AnalyzedLayer> analyze_layer(ByteSource& source, const LayerExpectation& expected,
                                    const AnalyzerRegistry& registry, const WalkLimits& limits,
                                    Stages stages = Stages::kSequential);

}  // namespace strata::worker
