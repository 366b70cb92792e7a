// The embedded vulnerability database: one SQLite file holding OSV-shaped records and an index
// from (ecosystem key, package) to record ids, so a scan reads only the records its packages
// name instead of loading the whole database. Lives in $XDG_CACHE_HOME/strata/ (default
// ~/.cache/strata/) unless --db or STRATA_DB names another file. One connection per object;
// not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/match/matcher.h"
#include "common/vulndb/feed_batch.h"

struct sqlite3;
struct sqlite3_stmt;

namespace strata::cli {

// `flag` (--db) if set, else $STRATA_DB, else the cache directory's vulndb.sqlite.
std::string resolve_db_path(const std::string& flag);

struct ImportSummary {
  std::uint64_t generation = 0;
  std::map<std::string, std::uint64_t> imported_by_source;
  std::vector<std::string> skipped;  // every skipped record or file, named
};

struct DbInfo {
  std::string path;
  std::uint64_t generation = 0;
  std::string updated_at;
  std::uint64_t records = 0;
  std::map<std::string, std::uint64_t> by_source;
  std::map<std::string, std::uint64_t> by_ecosystem;  // affected entries per ecosystem key
};

class LocalVulnDb final : public VulnerabilitySource {
 public:
  // Opens (and with `create`, creates) the database file. kNotFound when it is missing and
  // `create` is false: "run strata db import or strata db update first".
  static Result<std::unique_ptr<LocalVulnDb>> open(const std::string& path, bool create);
  ~LocalVulnDb() override;

  // Adds the batches in one transaction and bumps the generation. A record whose id is already
  // stored is merged: its affected entries for ecosystems the new record names are replaced.
  Result<ImportSummary> import(const std::vector<std::pair<std::string, FeedBatch>>& batches);
  Result<DbInfo> info();
  Result<std::vector<Vulnerability>> candidates(std::string_view ecosystem_key,
                                                std::string_view package) override;

 private:
  LocalVulnDb(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  Result<void> exec(const char* sql);
  sqlite3* db_;
  sqlite3_stmt* candidates_ = nullptr;  // prepared on first use, reused for every package
  std::string path_;
};

}  // namespace strata::cli
