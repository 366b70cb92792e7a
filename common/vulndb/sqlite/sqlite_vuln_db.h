// The vulnerability database as one SQLite file (what `strata db` writes and the CLI and the
// coordinator read): OSV-shaped records and an index from (ecosystem key, package) to record
// ids, so a scan reads only the records its packages name instead of loading the whole database. One connection per object; not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/vulndb/vuln_db.h"
#include "common/vulndb/feed_batch.h"

struct sqlite3;
struct sqlite3_stmt;

namespace strata {

struct ImportSummary {
  std::uint64_t generation = 0;
  std::map<std::string, std::uint64_t> imported_by_source;
  std::vector<std::string> skipped;  // every skipped record or file, named
};

class SqliteVulnDb final : public VulnDb {
 public:
  // Opens (and with `create`, creates) the database file. kNotFound when it is missing and
  // `create` is false: "run strata db import or strata db update first".
  static Result<std::unique_ptr<SqliteVulnDb>> open(const std::string& path, bool create);
  ~SqliteVulnDb() override;

  // Adds the batches in one transaction and bumps the generation. A record whose id is already
  // stored is merged: its affected entries for ecosystems the new record names are replaced.
  Result<ImportSummary> import(const std::vector<std::pair<std::string, FeedBatch>>& batches);
  Result<DbStamp> stamp() override;
  Result<DbInfo> info() override;
  Result<std::vector<Vulnerability>> candidates(std::string_view ecosystem_key,
                                                std::string_view package) override;

 private:
  SqliteVulnDb(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  Result<void> exec(const char* sql);
  sqlite3* db_;
  sqlite3_stmt* candidates_ = nullptr;  // prepared on first use, reused for every package
  std::string path_;
};

}  // namespace strata
