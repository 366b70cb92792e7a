// The single walk of a layer: each tar entry is read once and offered only to the analyzers that
// want it; whiteouts are recorded for the merge. Nothing is written to disk. Thread-compatible:
// one walk per thread, the registry shared.
#pragma once

#include <string>

#include "common/image/layer_analysis.h"
#include "worker/api/analyzer_registry.h"
#include "common/wire/walk_limits.h"

namespace strata::worker {

class TarChunks;

// Walks the tar that `stream` yields, then drains the stream so its digests cover every byte.
// Errors: kCorrupt for a damaged tar or compression, kLimitExceeded, and the source's errors.
// Damage inside one entry (a corrupt package database) is a warning in the result instead.
Result<LayerAnalysis> walk_tar(TarChunks& stream, const AnalyzerRegistry& registry,
                               const WalkLimits& limits);

// Walks a directory tree in place as one pseudo-layer; symlinks are not followed.
Result<LayerAnalysis> walk_directory(const std::string& root, const AnalyzerRegistry& registry,
                                     const WalkLimits& limits);

}  // namespace strata::worker
