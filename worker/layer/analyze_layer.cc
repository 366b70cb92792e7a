#include "worker/layer/analyze_layer.h"

#include "worker/stream/layer_stream.h"
#include "worker/stream/pipelined_stream.h"
#include "worker/walk/layer_walker.h"

namespace strata::worker {

// The digests the stream computed, compared with what the manifest and config claim.
namespace {

Result<AnalyzedLayer> check(LayerAnalysis analysis, LayerStream& stream, DiffId diff_id,
                            const LayerExpectation& expected) {
  AnalyzedLayer out;
  out.analysis = std::move(analysis);
  out.digest = stream.blob_digest();
  out.diff_id = std::move(diff_id);
  out.size = stream.compressed_bytes();
  out.compression = stream.compression();
  // Checked after the walk, but nothing leaves this function unverified.
  if (expected.digest && *expected.digest != out.digest) {
    return fail(ErrorCode::kDigestMismatch, "digest mismatch: the manifest says " +
                                                expected.digest->to_string() +
                                                " but the blob hashes to " +
                                                out.digest.to_string());
  }
  if (expected.diff_id && *expected.diff_id != out.diff_id) {
    return fail(ErrorCode::kDigestMismatch, "diff_id mismatch: the image config says " +
                                                expected.diff_id->to_string() +
                                                " but the uncompressed tar hashes to " +
                                                out.diff_id.to_string());
  }
  return out;
}

}  // namespace

Result<AnalyzedLayer> analyze_layer(ByteSource& source, const LayerExpectation& expected,
                                    const AnalyzerRegistry& registry, const WalkLimits& limits, Stages stages) {
  if (stages == Stages::kPipelined) {
    PipelinedStream pipelined(source, limits.stream);
    auto analysis = walk_tar(pipelined, registry, limits);
    if (!analysis) return std::unexpected(analysis.error());
    return check(std::move(*analysis), pipelined.stream(), pipelined.diff_id(), expected);
  }
  LayerStream stream(source, limits.stream);
  auto analysis = walk_tar(stream, registry, limits);
  if (!analysis) return std::unexpected(analysis.error());
  return check(std::move(*analysis), stream, stream.diff_id(), expected);
}

}  // namespace strata::worker
