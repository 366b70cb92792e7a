// LayerStream turns a layer blob into its uncompressed tar bytes in one pass, hashing both
// sides as they flow: sha256 of the blob (the manifest's `digest`) and of the tar (the config's
// `diff_id`). Compression is told by magic bytes, whatever the media type claims. Memory is two
// fixed buffers and the decompressor's window. Not thread-safe; `source` must outlive it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "common/digest.h"
#include "common/image/media_type.h"
#include "common/wire/walk_limits.h"
#include "worker/source/byte_source.h"
#include "worker/stream/decompressor.h"
#include "worker/stream/tar_chunks.h"

namespace strata::worker {

class LayerStream final : public TarChunks {
 public:
  // `hash_tar` false leaves the tar's sha256 to the caller (PipelinedStream hashes it on the
  // walking thread); diff_id() is then not available.
  LayerStream(ByteSource& source, StreamLimits limits, bool hash_tar = true);

  // The next chunk of tar bytes, valid until the next call; empty at the end of the stream.
  // Errors: kCorrupt (bad or truncated compression), kLimitExceeded, the source's own errors.
  Result<std::span<const std::byte>> next() override;

  // Reads what is left (e.g. the padding after a tar's end marker) so the digests cover it all.
  Result<void> drain() override;

  bool finished() const override { return finished_; }
  Compression compression() const { return compression_; }
  std::uint64_t compressed_bytes() const { return compressed_bytes_; }
  std::uint64_t uncompressed_bytes() const override { return uncompressed_bytes_; }
  // Valid once finished(): the digests of everything streamed.
  BlobDigest blob_digest();
  DiffId diff_id();

 private:
  Result<void> fill_input();

  ByteSource& source_;
  StreamLimits limits_;
  std::vector<std::byte> in_;
  std::vector<std::byte> out_;
  std::size_t in_pos_ = 0;
  std::size_t in_end_ = 0;
  bool source_done_ = false;
  bool started_ = false;
  bool finished_ = false;
  Compression compression_ = Compression::kNone;
  std::unique_ptr<Decompressor> decompressor_;
  Sha256 blob_hash_;
  bool hash_tar_ = true;
  Sha256 tar_hash_;
  std::uint64_t compressed_bytes_ = 0;
  std::uint64_t uncompressed_bytes_ = 0;
  std::optional<BlobDigest> blob_digest_;
  std::optional<DiffId> diff_id_;
};

}  // namespace strata::worker
