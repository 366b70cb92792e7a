// Format dispatch for rpm databases, and the SQLite backend: rpm ≥ 4.16 keeps one row per
// package in table Packages(hnum, blob). SQLite opens the bytes in memory, read-only and in
// defensive mode, so a hostile file cannot make it write or run anything.
#include "worker/parser/rpmdb.h"

#include <sqlite3.h>

#include <cstring>
#include <memory>
#include <string>

#include "common/bytes.h"
#include "worker/parser/byte_reader.h"

namespace strata::worker {
namespace {

struct SqliteClose {
  void operator()(sqlite3* db) const noexcept { sqlite3_close(db); }
};
struct SqliteFinalize {
  void operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }
};

}  // namespace

std::optional<RpmdbFormat> sniff_rpmdb(std::span<const std::byte> head) {
  constexpr std::string_view kSqlite("SQLite format 3\0", 16);
  if (head.size() >= kSqlite.size() && as_chars(head.first(kSqlite.size())) == kSqlite) {
    return RpmdbFormat::kSqlite;
  }
  if (head.size() >= 4 && as_chars(head.first(4)) == "RpmP") return RpmdbFormat::kNdb;
  const auto le = read_u32(head, 12, false);
  const auto be = read_u32(head, 12, true);
  if ((le && *le == 0x061561) || (be && *be == 0x061561)) return RpmdbFormat::kBerkeleyDb;
  return std::nullopt;
}

Result<std::vector<std::vector<std::byte>>> sqlite_header_blobs(std::span<const std::byte> bytes) {
  sqlite3* raw = nullptr;
  if (sqlite3_open_v2(":memory:", &raw, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    sqlite3_close(raw);
    return fail(ErrorCode::kInternal, "cannot open an in-memory SQLite database");
  }
  std::unique_ptr<sqlite3, SqliteClose> db(raw);
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
  // SQLite may keep a pointer to the image for the connection's life; give it its own copy.
  auto* image = static_cast<unsigned char*>(sqlite3_malloc64(bytes.size()));
  if (image == nullptr && !bytes.empty()) return fail(ErrorCode::kInternal, "out of memory");
  if (!bytes.empty()) std::memcpy(image, bytes.data(), bytes.size());
  // rpm writes its database in WAL mode (header bytes 18 and 19 are 2), which an in-memory
  // image cannot open; the copy is marked as a rollback-journal database, its content unchanged.
  if (bytes.size() >= 20 && image[18] == 2 && image[19] == 2) image[18] = image[19] = 1;
  if (sqlite3_deserialize(db.get(), "main", image, static_cast<sqlite3_int64>(bytes.size()),
                          static_cast<sqlite3_int64>(bytes.size()),
                          SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY) !=
      SQLITE_OK) {
    return fail(ErrorCode::kCorrupt, "SQLite cannot open the database image");
  }
  sqlite3_stmt* raw_stmt = nullptr;
  if (sqlite3_prepare_v2(db.get(), "SELECT blob FROM Packages", -1, &raw_stmt, nullptr) !=
      SQLITE_OK) {
    sqlite3_finalize(raw_stmt);
    return fail(ErrorCode::kCorrupt,
                std::string("not an rpm SQLite database: ") + sqlite3_errmsg(db.get()));
  }
  std::unique_ptr<sqlite3_stmt, SqliteFinalize> stmt(raw_stmt);
  std::vector<std::vector<std::byte>> blobs;
  int rc;
  while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
    const auto* data = static_cast<const std::byte*>(sqlite3_column_blob(stmt.get(), 0));
    const int size = sqlite3_column_bytes(stmt.get(), 0);
    if (data != nullptr && size > 0) blobs.emplace_back(data, data + size);
  }
  if (rc != SQLITE_DONE) {
    return fail(ErrorCode::kCorrupt, std::string("reading the rpm SQLite database: ") +
                                         sqlite3_errmsg(db.get()));
  }
  return blobs;
}

Result<ParsedPackages> parse_rpmdb(std::span<const std::byte> bytes, std::string_view path, OwnedFileFilter keep) {
  const std::string where(path);
  const auto format = sniff_rpmdb(bytes.first(std::min<std::size_t>(bytes.size(), 64)));
  if (!format) return fail(ErrorCode::kCorrupt, where + ": not an rpm database in a known format");
  Result<std::vector<std::vector<std::byte>>> blobs = [&] {
    switch (*format) {
      case RpmdbFormat::kSqlite: return sqlite_header_blobs(bytes);
      case RpmdbFormat::kBerkeleyDb: return bdb_header_blobs(bytes);
      case RpmdbFormat::kNdb: break;
    }
    return ndb_header_blobs(bytes);
  }();
  if (!blobs) return std::unexpected(blobs.error().with_context(where));
  ParsedPackages out;
  std::vector<std::string> files;
  for (std::size_t i = 0; i < blobs->size(); ++i) {
    files.clear();
    auto p = parse_rpm_header((*blobs)[i], keep, &files);
    if (!p) {
      out.skipped.push_back(where + ": header " + std::to_string(i + 1) + ": " +
                            p.error().message());
      continue;
    }
    // gpg-pubkey entries are imported signing keys, not software.
    if (p->name == "gpg-pubkey") continue;
    p->path = where;
    for (auto& f : files) out.owned_files.emplace_back(std::move(f), p->name);
    out.packages.push_back(std::move(*p));
  }
  return out;
}

}  // namespace strata::worker
