// Berkeley DB hash databases, as rpm < 4.16 wrote /var/lib/rpm/Packages: page 0 is the hash
// metadata page, hash pages (P_HASH, P_HASH_UNSORTED) hold key/value index entries, and values
// too big for a page (every rpm header) live on chains of overflow pages (H_OFFPAGE → P_OVERFLOW).
// Layout: Berkeley DB's dbinc/db_page.h and hash.h. Byte order is the writer's; the metadata
// magic tells which.
#include <algorithm>
#include <string>

#include "worker/parser/byte_reader.h"
#include "worker/parser/rpmdb.h"

namespace strata::worker {
namespace {

constexpr std::uint32_t kHashMagic = 0x061561;
constexpr std::size_t kPageHeaderSize = 26;
constexpr std::uint8_t kPageTypeHashUnsorted = 2;
constexpr std::uint8_t kPageTypeOverflow = 7;
constexpr std::uint8_t kPageTypeHash = 13;
constexpr std::uint8_t kItemKeyData = 1;
constexpr std::uint8_t kItemOffPage = 3;

struct Layout {
  std::span<const std::byte> file;
  bool big_endian = false;
  std::uint32_t page_size = 0;
  std::uint32_t page_count = 0;

  std::span<const std::byte> page(std::uint32_t number) const {
    return file.subspan(static_cast<std::size_t>(number) * page_size, page_size);
  }
  std::uint8_t page_type(std::span<const std::byte> p) const {
    return std::to_integer<std::uint8_t>(p[25]);
  }
};

Result<std::vector<std::byte>> read_overflow(const Layout& db, std::uint32_t first,
                                             std::uint32_t length) {
  std::vector<std::byte> value;
  if (length > db.file.size()) {
    return fail(ErrorCode::kCorrupt, "overflow item claims " + std::to_string(length) +
                                         " bytes, more than the file holds");
  }
  value.reserve(length);
  std::uint32_t number = first;
  // Each page is visited at most once, which also ends a cycle in a damaged chain.
  for (std::uint32_t hops = 0; number != 0 && value.size() < length; ++hops) {
    if (number >= db.page_count || hops >= db.page_count) {
      return fail(ErrorCode::kCorrupt, "overflow chain leaves the file at page " +
                                           std::to_string(number));
    }
    const auto p = db.page(number);
    if (db.page_type(p) != kPageTypeOverflow) {
      return fail(ErrorCode::kCorrupt,
                  "page " + std::to_string(number) + " in an overflow chain is not an overflow page");
    }
    const std::uint16_t used = *read_u16(p, 22, db.big_endian);  // OV_LEN: bytes on this page
    if (used > db.page_size - kPageHeaderSize) {
      return fail(ErrorCode::kCorrupt, "overflow page " + std::to_string(number) +
                                           " claims more bytes than it holds");
    }
    const auto bytes = p.subspan(kPageHeaderSize, used);
    value.insert(value.end(), bytes.begin(), bytes.end());
    number = *read_u32(p, 16, db.big_endian);  // NEXT_PGNO
  }
  if (value.size() != length) {
    return fail(ErrorCode::kCorrupt, "overflow item holds " + std::to_string(value.size()) +
                                         " bytes, not the " + std::to_string(length) + " it claims");
  }
  return value;
}

}  // namespace

Result<std::vector<std::vector<std::byte>>> bdb_header_blobs(std::span<const std::byte> bytes) {
  Layout db{bytes};
  const auto magic = read_u32(bytes, 12, false);
  if (!magic) return fail(ErrorCode::kCorrupt, "Berkeley DB file is shorter than its metadata");
  if (*magic != kHashMagic) {
    db.big_endian = true;
    if (*read_u32(bytes, 12, true) != kHashMagic) {
      return fail(ErrorCode::kCorrupt, "not a Berkeley DB hash database (bad magic)");
    }
  }
  db.page_size = *read_u32(bytes, 20, db.big_endian);
  if (db.page_size < 512 || db.page_size > 65536 || (db.page_size & (db.page_size - 1)) != 0) {
    return fail(ErrorCode::kCorrupt, "Berkeley DB page size " + std::to_string(db.page_size) +
                                         " is not a power of two from 512 to 65536");
  }
  const std::uint32_t last_page = *read_u32(bytes, 32, db.big_endian);
  db.page_count = static_cast<std::uint32_t>(std::min<std::uint64_t>(
      static_cast<std::uint64_t>(last_page) + 1, bytes.size() / db.page_size));

  std::vector<std::vector<std::byte>> blobs;
  for (std::uint32_t number = 1; number < db.page_count; ++number) {
    const auto p = db.page(number);
    const auto type = db.page_type(p);
    if (type != kPageTypeHash && type != kPageTypeHashUnsorted) continue;
    const std::uint16_t entries = *read_u16(p, 20, db.big_endian);
    // Entries alternate key, value; their offsets follow the page header.
    for (std::uint32_t i = 1; i < entries; i += 2) {
      const auto offset = read_u16(p, kPageHeaderSize + 2 * i, db.big_endian);
      if (!offset || *offset >= db.page_size) {
        return fail(ErrorCode::kCorrupt, "hash page " + std::to_string(number) +
                                             " has an entry offset outside the page");
      }
      const auto item_type = std::to_integer<std::uint8_t>(p[*offset]);
      if (item_type == kItemOffPage) {
        const auto first = read_u32(p, *offset + 4, db.big_endian);
        const auto length = read_u32(p, *offset + 8, db.big_endian);
        if (!first || !length) {
          return fail(ErrorCode::kCorrupt, "hash page " + std::to_string(number) +
                                               " has a truncated off-page item");
        }
        auto value = read_overflow(db, *first, *length);
        if (!value) {
          return std::unexpected(value.error().with_context("page " + std::to_string(number)));
        }
        blobs.push_back(std::move(*value));
      } else if (item_type == kItemKeyData) {
        // Small values sit on the page, up to the previous entry (entries grow downwards).
        const auto previous = read_u16(p, kPageHeaderSize + 2 * (i - 1), db.big_endian);
        const std::size_t end =
            previous && *previous > *offset ? std::min<std::size_t>(*previous, db.page_size)
                                            : db.page_size;
        const auto value = p.subspan(*offset + 1, end - *offset - 1);
        // rpm keeps a 4-byte counter under key 0; only header-sized values are packages.
        if (value.size() >= 16) blobs.emplace_back(value.begin(), value.end());
      }
    }
  }
  return blobs;
}

}  // namespace strata::worker
