// Shared by the tar and directory walks: what happens to one entry once its metadata is known.
#pragma once

#include <string>
#include <string_view>

#include "common/image/layer_analysis.h"
#include "worker/api/analyzer_registry.h"
#include "worker/walk/entry.h"

namespace strata::worker {

// Strips "./" and "/" prefixes and a trailing "/"; returns "" for the root itself.
std::string_view normalize_entry_path(std::string_view path);

// Records a whiteout ("dir/.wh.NAME" or "dir/.wh..wh..opq") in `out` and returns true, or
// returns false for an ordinary entry.
bool record_whiteout(std::string_view path, LayerAnalysis& out);

// Offers `entry` to each analyzer that wants it; an analyzer's error becomes a warning.
void dispatch_entry(const EntryInfo& entry, EntryContent& content,
                    const AnalyzerRegistry& registry, LayerAnalysis& out);

// Sorts what analyzers appended, so that equal layers give equal results.
void canonicalize(LayerAnalysis& analysis);

}  // namespace strata::worker
