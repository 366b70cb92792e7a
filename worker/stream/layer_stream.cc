#include "worker/stream/layer_stream.h"

#include <string>

namespace strata::worker {
namespace {
constexpr std::size_t kInputBuffer = 256 << 10;
constexpr std::size_t kOutputBuffer = 1 << 20;
}  // namespace

LayerStream::LayerStream(ByteSource& source, StreamLimits limits, bool hash_tar)
    : source_(source), limits_(limits), in_(kInputBuffer), out_(kOutputBuffer), hash_tar_(hash_tar) {}

Result<void> LayerStream::fill_input() {
  // Keep unconsumed bytes, then top the buffer up from the source.
  if (in_pos_ > 0) {
    std::copy(in_.begin() + in_pos_, in_.begin() + in_end_, in_.begin());
    in_end_ -= in_pos_;
    in_pos_ = 0;
  }
  while (!source_done_ && in_end_ < in_.size()) {
    auto n = source_.read(std::span(in_).subspan(in_end_));
    if (!n) return std::unexpected(n.error());
    if (*n == 0) {
      source_done_ = true;
      break;
    }
    blob_hash_.update(std::span(in_).subspan(in_end_, *n));
    compressed_bytes_ += *n;
    in_end_ += *n;
    if (!started_) break;  // the first read only needs enough bytes to sniff
  }
  return {};
}

Result<std::span<const std::byte>> LayerStream::next() {
  if (finished_) return std::span<const std::byte>{};
  if (!started_) {
    while (!source_done_ && in_end_ < 4) {
      if (auto r = fill_input(); !r) return std::unexpected(r.error());
    }
    compression_ = sniff_compression(std::span(in_).first(in_end_));
    decompressor_ = make_decompressor(compression_);
    started_ = true;
  }
  for (;;) {
    if (in_pos_ == in_end_ || (in_end_ - in_pos_ < in_.size() / 4 && !source_done_)) {
      if (auto r = fill_input(); !r) return std::unexpected(r.error());
    }
    const auto input = std::span<const std::byte>(in_).subspan(in_pos_, in_end_ - in_pos_);
    auto step = decompressor_->step(input, out_);
    if (!step) return std::unexpected(step.error());
    in_pos_ += step->consumed;
    if (step->produced > 0) {
      const auto chunk = std::span<const std::byte>(out_).first(step->produced);
      if (hash_tar_) tar_hash_.update(chunk);
      uncompressed_bytes_ += step->produced;
      if (uncompressed_bytes_ > limits_.max_uncompressed_bytes) {
        return fail(ErrorCode::kLimitExceeded,
                    "uncompressed size exceeds the limit of " +
                        std::to_string(limits_.max_uncompressed_bytes) + " bytes");
      }
      if (compression_ != Compression::kNone && uncompressed_bytes_ > StreamLimits::kRatioFloor &&
          uncompressed_bytes_ > limits_.max_ratio * compressed_bytes_) {
        return fail(ErrorCode::kLimitExceeded,
                    "decompression bomb: " + std::to_string(compressed_bytes_) +
                        " compressed bytes expand past " + std::to_string(uncompressed_bytes_) +
                        " (ratio limit " + std::to_string(limits_.max_ratio) + ":1)");
      }
      return chunk;
    }
    if (step->consumed == 0) {
      if (in_pos_ == in_end_ && source_done_) {
        if (auto r = decompressor_->finish(); !r) return std::unexpected(r.error());
        finished_ = true;
        return std::span<const std::byte>{};
      }
      if (source_done_ || in_end_ - in_pos_ == in_.size()) {
        return fail(ErrorCode::kCorrupt, "compressed stream makes no progress");
      }
      if (auto r = fill_input(); !r) return std::unexpected(r.error());
    }
  }
}

Result<void> LayerStream::drain() {
  for (;;) {
    auto chunk = next();
    if (!chunk) return std::unexpected(chunk.error());
    if (chunk->empty()) return {};
  }
}

BlobDigest LayerStream::blob_digest() {
  if (!blob_digest_) blob_digest_ = BlobDigest{blob_hash_.finish()};
  return *blob_digest_;
}

DiffId LayerStream::diff_id() {
  if (!diff_id_) diff_id_ = DiffId{tar_hash_.finish()};
  return *diff_id_;
}

}  // namespace strata::worker
