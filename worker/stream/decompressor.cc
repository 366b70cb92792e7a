#include "worker/stream/decompressor.h"

#include <isa-l/igzip_lib.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <string>

namespace strata::worker {
namespace {

std::uint32_t clamp32(std::size_t n) {
  return static_cast<std::uint32_t>(std::min<std::size_t>(n, std::numeric_limits<std::uint32_t>::max()));
}

class PassThrough final : public Decompressor {
 public:
  Result<DecompressStep> step(std::span<const std::byte> in, std::span<std::byte> out) override {
    const std::size_t n = std::min(in.size(), out.size());
    std::memcpy(out.data(), in.data(), n);
    return DecompressStep{n, n};
  }
  Result<void> finish() const override { return {}; }
};

// gzip (RFC 1952) with ISA-L; several members may follow each other, as gzip(1) allows.
class GzipDecompressor final : public Decompressor {
 public:
  GzipDecompressor() { reset(); }

  Result<DecompressStep> step(std::span<const std::byte> in, std::span<std::byte> out) override {
    DecompressStep result;
    if (state_.block_state == ISAL_BLOCK_FINISH) {
      if (in.empty()) return result;
      reset();  // another member follows
    }
    state_.next_in = reinterpret_cast<std::uint8_t*>(const_cast<std::byte*>(in.data()));
    state_.avail_in = clamp32(in.size());
    state_.next_out = reinterpret_cast<std::uint8_t*>(out.data());
    state_.avail_out = clamp32(out.size());
    const int rc = isal_inflate(&state_);
    if (rc != ISAL_DECOMP_OK) return fail(ErrorCode::kCorrupt, describe(rc));
    result.consumed = clamp32(in.size()) - state_.avail_in;
    result.produced = clamp32(out.size()) - state_.avail_out;
    in_member_ = state_.block_state != ISAL_BLOCK_FINISH;
    return result;
  }

  Result<void> finish() const override {
    if (in_member_) return fail(ErrorCode::kCorrupt, "gzip stream is truncated");
    return {};
  }

 private:
  void reset() {
    isal_inflate_init(&state_);
    state_.crc_flag = ISAL_GZIP;
    in_member_ = true;
  }

  static std::string describe(int rc) {
    switch (rc) {
      case ISAL_INVALID_BLOCK: return "gzip stream has an invalid deflate block";
      case ISAL_INVALID_SYMBOL: return "gzip stream has an invalid deflate symbol";
      case ISAL_INVALID_LOOKBACK: return "gzip stream refers back beyond its window";
      case ISAL_INVALID_WRAPPER: return "data is not gzip (bad header)";
      case ISAL_UNSUPPORTED_METHOD: return "gzip stream uses an unsupported method";
      case ISAL_INCORRECT_CHECKSUM: return "gzip stream fails its CRC-32 check";
      default: return "gzip stream is corrupt (igzip error " + std::to_string(rc) + ")";
    }
  }

  inflate_state state_{};
  bool in_member_ = true;
};

struct ZstdDCtxFree {
  void operator()(ZSTD_DCtx* ctx) const noexcept { ZSTD_freeDCtx(ctx); }
};

class ZstdDecompressor final : public Decompressor {
 public:
  ZstdDecompressor() : ctx_(ZSTD_createDCtx()) {
    ZSTD_DCtx_setParameter(ctx_.get(), ZSTD_d_windowLogMax, kZstdMaxWindowLog);
  }

  Result<DecompressStep> step(std::span<const std::byte> in, std::span<std::byte> out) override {
    ZSTD_inBuffer input{in.data(), in.size(), 0};
    ZSTD_outBuffer output{out.data(), out.size(), 0};
    const std::size_t rc = ZSTD_decompressStream(ctx_.get(), &output, &input);
    if (ZSTD_isError(rc)) {
      return fail(ErrorCode::kCorrupt,
                  std::string("zstd stream is corrupt: ") + ZSTD_getErrorName(rc));
    }
    // Called again after a frame's end with no input, zstd asks for the next frame's header:
    // only a call that moved bytes says whether a frame is still open.
    if (input.pos > 0 || output.pos > 0) frame_open_ = rc != 0;
    return DecompressStep{input.pos, output.pos};
  }

  Result<void> finish() const override {
    if (frame_open_) return fail(ErrorCode::kCorrupt, "zstd stream is truncated");
    return {};
  }

 private:
  std::unique_ptr<ZSTD_DCtx, ZstdDCtxFree> ctx_;
  bool frame_open_ = false;
};

}  // namespace

std::unique_ptr<Decompressor> make_decompressor(Compression compression) {
  switch (compression) {
    case Compression::kGzip: return std::make_unique<GzipDecompressor>();
    case Compression::kZstd: return std::make_unique<ZstdDecompressor>();
    case Compression::kNone: break;
  }
  return std::make_unique<PassThrough>();
}

Compression sniff_compression(std::span<const std::byte> head) {
  const auto at = [&](std::size_t i) { return std::to_integer<unsigned>(head[i]); };
  if (head.size() >= 2 && at(0) == 0x1f && at(1) == 0x8b) return Compression::kGzip;
  if (head.size() >= 4 && at(0) == 0x28 && at(1) == 0xb5 && at(2) == 0x2f && at(3) == 0xfd) {
    return Compression::kZstd;
  }
  return Compression::kNone;
}

}  // namespace strata::worker
