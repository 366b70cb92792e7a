// NDB, the rpm database SUSE uses (/var/lib/rpm/Packages.db): a 32-byte header ("RpmP",
// version, generation, slot page count), then slot pages of 16-byte slots ("Slot", package
// index, block offset, block count), then blobs in 16-byte blocks, each a 16-byte head ("BlbS",
// package index, generation, length), the header blob, and a tail. All little-endian.
// Layout: rpm's lib/backend/ndb/rpmpkg.c.
#include <string>

#include "worker/parser/byte_reader.h"
#include "worker/parser/rpmdb.h"

namespace strata::worker {
namespace {

constexpr std::uint32_t kDbMagic = 'R' | 'p' << 8 | 'm' << 16 | 'P' << 24;
constexpr std::uint32_t kSlotMagic = 'S' | 'l' << 8 | 'o' << 16 | 't' << 24;
constexpr std::uint32_t kBlobMagic = 'B' | 'l' << 8 | 'b' << 16 | 'S' << 24;
constexpr std::size_t kHeaderSize = 32;
constexpr std::size_t kSlotSize = 16;
constexpr std::size_t kBlockSize = 16;
constexpr std::size_t kPageSize = 4096;
constexpr std::size_t kBlobHeadSize = 16;
constexpr std::size_t kBlobTailSize = 12;

}  // namespace

Result<std::vector<std::vector<std::byte>>> ndb_header_blobs(std::span<const std::byte> bytes) {
  const auto magic = read_u32(bytes, 0, false);
  if (!magic || *magic != kDbMagic) return fail(ErrorCode::kCorrupt, "not an NDB database");
  if (*read_u32(bytes, 4, false) != 0) {
    return fail(ErrorCode::kUnsupported, "NDB database version is not 0");
  }
  const auto slot_pages = read_u32(bytes, 12, false);
  if (!slot_pages) return fail(ErrorCode::kCorrupt, "NDB header is truncated");
  const std::uint64_t slot_area = static_cast<std::uint64_t>(*slot_pages) * kPageSize;
  if (*slot_pages == 0 || slot_area > bytes.size()) {
    return fail(ErrorCode::kCorrupt, "NDB slot area of " + std::to_string(*slot_pages) +
                                         " pages does not fit the file");
  }
  std::vector<std::vector<std::byte>> blobs;
  for (std::size_t at = kHeaderSize; at + kSlotSize <= slot_area; at += kSlotSize) {
    if (*read_u32(bytes, at, false) != kSlotMagic) {
      return fail(ErrorCode::kCorrupt, "NDB slot at byte " + std::to_string(at) + " is damaged");
    }
    const std::uint32_t package = *read_u32(bytes, at + 4, false);
    const std::uint32_t block = *read_u32(bytes, at + 8, false);
    const std::uint32_t blocks = *read_u32(bytes, at + 12, false);
    if (block == 0) continue;  // a free slot
    const std::uint64_t start = static_cast<std::uint64_t>(block) * kBlockSize;
    const std::uint64_t span = static_cast<std::uint64_t>(blocks) * kBlockSize;
    if (start < slot_area || start + span > bytes.size() ||
        span < kBlobHeadSize + kBlobTailSize) {
      return fail(ErrorCode::kCorrupt, "NDB package " + std::to_string(package) +
                                           " points outside the file");
    }
    const auto head_magic = read_u32(bytes, start, false);
    const auto head_package = read_u32(bytes, start + 4, false);
    const auto length = read_u32(bytes, start + 12, false);
    if (head_magic != kBlobMagic || head_package != package ||
        *length > span - kBlobHeadSize - kBlobTailSize) {
      return fail(ErrorCode::kCorrupt,
                  "NDB blob of package " + std::to_string(package) + " is damaged");
    }
    const auto blob = bytes.subspan(start + kBlobHeadSize, *length);
    blobs.emplace_back(blob.begin(), blob.end());
  }
  return blobs;
}

}  // namespace strata::worker
