// The rpm database of installed packages, in each of the three formats found in real images:
// SQLite (rpmdb.sqlite, rpm ≥ 4.16), Berkeley DB hash (Packages, older Red Hat family) and NDB
// (Packages.db, SUSE). Each holds one rpm header blob per package; librpm's headerImport reads
// the blobs, and SQLite reads its own file from memory. Only the BDB and NDB page layouts, which
// no library reads from memory, are walked here. Pure: bytes in, packages out.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "worker/parser/parsed.h"

namespace strata::worker {

enum class RpmdbFormat { kSqlite, kBerkeleyDb, kNdb };

// Tells the format from the first bytes (at least 16), or nullopt when it is none of them.
std::optional<RpmdbFormat> sniff_rpmdb(std::span<const std::byte> head);

// Every package in the database. Errors: kCorrupt when the file as a whole cannot be read;
// a damaged header is skipped and named in `skipped`.
// With `keep`, each header's file list is read too and the kept paths land in owned_files.
Result<ParsedPackages> parse_rpmdb(std::span<const std::byte> bytes, std::string_view path,
                                   OwnedFileFilter keep = nullptr);

// The header blobs of each format, in database order. Exposed for tests and fuzzing.
Result<std::vector<std::vector<std::byte>>> sqlite_header_blobs(std::span<const std::byte> bytes);
Result<std::vector<std::vector<std::byte>>> bdb_header_blobs(std::span<const std::byte> bytes);
Result<std::vector<std::vector<std::byte>>> ndb_header_blobs(std::span<const std::byte> bytes);

// One package from one header blob (rpm's on-disk header: index count, data size, entries).
// With `keep` and `files`, the paths of the package's files that `keep` accepts are appended.
Result<Package> parse_rpm_header(std::span<const std::byte> blob, OwnedFileFilter keep = nullptr,
                                 std::vector<std::string>* files = nullptr);

}  // namespace strata::worker
