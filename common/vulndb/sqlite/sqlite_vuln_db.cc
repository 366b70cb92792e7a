#include "common/vulndb/sqlite/sqlite_vuln_db.h"

#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <ctime>
#include <set>

#include "common/vulndb/ecosystem.h"
#include "common/vulndb/osv_json.h"

namespace strata {
namespace {

struct StmtFinalize {
  void operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }
};
using Stmt = std::unique_ptr<sqlite3_stmt, StmtFinalize>;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (id TEXT PRIMARY KEY, source TEXT NOT NULL, record TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS affected (ecosystem_key TEXT NOT NULL, package TEXT NOT NULL, id TEXT NOT NULL,
                                     PRIMARY KEY (ecosystem_key, package, id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS affected_by_id ON affected (id);
)sql";

std::string text_column(sqlite3_stmt* s, int i) {
  const auto* t = sqlite3_column_text(s, i);
  return t ? reinterpret_cast<const char*>(t) : "";
}

}  // namespace

Result<std::unique_ptr<SqliteVulnDb>> SqliteVulnDb::open(const std::string& path, bool create) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!create && !fs::exists(path, ec)) {
    return fail(ErrorCode::kNotFound,
                "vulnerability database " + path +
                    " does not exist; make one with 'strata db update' (downloads the OSV feeds) or "
                    "'strata db import FEED...' (files you have), or scan without it: --scanners secret,config");
  }
  if (create) fs::create_directories(fs::path(path).parent_path(), ec);
  sqlite3* raw = nullptr;
  const int flags = create ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READWRITE;
  if (sqlite3_open_v2(path.c_str(), &raw, flags, nullptr) != SQLITE_OK) {
    const std::string message = raw ? sqlite3_errmsg(raw) : "cannot open";
    sqlite3_close(raw);
    return fail(ErrorCode::kUnavailable, path + ": " + message);
  }
  std::unique_ptr<SqliteVulnDb> db(new SqliteVulnDb(raw, path));
  if (auto r = db->exec(kSchema); !r) return std::unexpected(r.error());
  return db;
}

SqliteVulnDb::~SqliteVulnDb() {
  sqlite3_finalize(candidates_);
  sqlite3_close(db_);
}

Result<void> SqliteVulnDb::exec(const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    const std::string text = message ? message : "unknown error";
    sqlite3_free(message);
    return fail(ErrorCode::kUnavailable, path_ + ": " + text);
  }
  return {};
}

Result<ImportSummary> SqliteVulnDb::import(const std::vector<std::pair<std::string, FeedBatch>>& batches) {
  ImportSummary summary;
  if (auto r = exec("BEGIN IMMEDIATE"); !r) return std::unexpected(r.error());
  auto prepare = [&](const char* sql) {
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(db_, sql, -1, &s, nullptr);
    return Stmt(s);
  };
  Stmt get = prepare("SELECT record FROM records WHERE id = ?1");
  Stmt put = prepare("INSERT OR REPLACE INTO records (id, source, record) VALUES (?1, ?2, ?3)");
  Stmt unindex = prepare("DELETE FROM affected WHERE id = ?1");
  Stmt index = prepare("INSERT OR IGNORE INTO affected (ecosystem_key, package, id) VALUES (?1, ?2, ?3)");
  auto fail_sql = [&]() -> Result<ImportSummary> {
    const std::string message = sqlite3_errmsg(db_);
    (void)exec("ROLLBACK");
    return fail(ErrorCode::kUnavailable, path_ + ": " + message);
  };
  for (const auto& [source, batch] : batches) {
    for (const auto& skipped : batch.skipped) summary.skipped.push_back(skipped);
    for (const Vulnerability& incoming : batch.records) {
      Vulnerability v = incoming;
      sqlite3_reset(get.get());
      sqlite3_bind_text(get.get(), 1, v.id.c_str(), -1, SQLITE_TRANSIENT);
      if (sqlite3_step(get.get()) == SQLITE_ROW) {
        // Keep what the stored record says about ecosystems this one does not mention.
        if (auto old = parse_osv(text_column(get.get(), 0))) {
          std::set<std::string> named;
          for (const auto& a : v.affected) named.insert(a.ecosystem);
          for (auto& a : old->affected) {
            if (!named.contains(a.ecosystem)) v.affected.push_back(std::move(a));
          }
        }
      }
      const std::string record = to_osv_json(v);
      sqlite3_reset(put.get());
      sqlite3_bind_text(put.get(), 1, v.id.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(put.get(), 2, source.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(put.get(), 3, record.c_str(), -1, SQLITE_TRANSIENT);
      if (sqlite3_step(put.get()) != SQLITE_DONE) return fail_sql();
      sqlite3_reset(unindex.get());
      sqlite3_bind_text(unindex.get(), 1, v.id.c_str(), -1, SQLITE_TRANSIENT);
      if (sqlite3_step(unindex.get()) != SQLITE_DONE) return fail_sql();
      for (const auto& a : v.affected) {
        const std::string key = ecosystem_key(a.ecosystem);
        const std::string package = normalize_package_name(key, a.package);
        sqlite3_reset(index.get());
        sqlite3_bind_text(index.get(), 1, key.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(index.get(), 2, package.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(index.get(), 3, v.id.c_str(), -1, SQLITE_TRANSIENT);
        if (sqlite3_step(index.get()) != SQLITE_DONE) return fail_sql();
      }
      ++summary.imported_by_source[source];
    }
  }
  Stmt generation = prepare(
      "INSERT INTO meta (key, value) VALUES ('generation', '1') ON CONFLICT (key) DO UPDATE SET "
      "value = CAST(value AS INTEGER) + 1 RETURNING value");
  if (sqlite3_step(generation.get()) != SQLITE_ROW) return fail_sql();
  summary.generation = static_cast<std::uint64_t>(sqlite3_column_int64(generation.get(), 0));
  generation.reset();
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &utc);
  Stmt updated = prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('updated_at', ?1)");
  sqlite3_bind_text(updated.get(), 1, stamp, -1, SQLITE_TRANSIENT);
  if (sqlite3_step(updated.get()) != SQLITE_DONE) return fail_sql();
  updated.reset();
  get.reset();
  put.reset();
  unindex.reset();
  index.reset();
  if (auto r = exec("COMMIT"); !r) return std::unexpected(r.error());
  return summary;
}

namespace {

// Runs `sql` and hands each row to `row`.
template <class Row>
void each_row(sqlite3* db, const char* sql, Row&& row) {
  sqlite3_stmt* raw = nullptr;
  sqlite3_prepare_v2(db, sql, -1, &raw, nullptr);
  Stmt s(raw);
  while (s && sqlite3_step(s.get()) == SQLITE_ROW) row(s.get());
}

}  // namespace

Result<DbStamp> SqliteVulnDb::stamp() {
  DbStamp stamp;
  each_row(db_, "SELECT key, value FROM meta WHERE key IN ('generation', 'updated_at')", [&](sqlite3_stmt* s) {
    if (text_column(s, 0) == "generation") stamp.generation = std::stoull(text_column(s, 1));
    if (text_column(s, 0) == "updated_at") stamp.updated_at = text_column(s, 1);
  });
  return stamp;
}

Result<DbInfo> SqliteVulnDb::info() {
  DbInfo info;
  info.path = path_;
  auto stamped = stamp();
  if (!stamped) return std::unexpected(stamped.error());
  info.generation = stamped->generation;
  info.updated_at = stamped->updated_at;
  each_row(db_, "SELECT source, count(*) FROM records GROUP BY source", [&](sqlite3_stmt* s) {
    info.by_source[text_column(s, 0)] = static_cast<std::uint64_t>(sqlite3_column_int64(s, 1));
    info.records += static_cast<std::uint64_t>(sqlite3_column_int64(s, 1));
  });
  each_row(db_, "SELECT ecosystem_key, count(*) FROM affected GROUP BY ecosystem_key", [&](sqlite3_stmt* s) {
    info.by_ecosystem[text_column(s, 0)] = static_cast<std::uint64_t>(sqlite3_column_int64(s, 1));
  });
  return info;
}

Result<std::vector<Vulnerability>> SqliteVulnDb::candidates(std::string_view ecosystem_key,
                                                           std::string_view package) {
  if (candidates_ == nullptr &&
      sqlite3_prepare_v2(db_,
                         "SELECT r.record FROM affected a JOIN records r ON r.id = a.id "
                         "WHERE a.ecosystem_key = ?1 AND a.package = ?2",
                         -1, &candidates_, nullptr) != SQLITE_OK) {
    return fail(ErrorCode::kUnavailable, path_ + ": " + sqlite3_errmsg(db_));
  }
  sqlite3_stmt* s = candidates_;
  sqlite3_reset(s);
  sqlite3_bind_text(s, 1, ecosystem_key.data(), static_cast<int>(ecosystem_key.size()), SQLITE_TRANSIENT);
  sqlite3_bind_text(s, 2, package.data(), static_cast<int>(package.size()), SQLITE_TRANSIENT);
  std::vector<Vulnerability> out;
  while (sqlite3_step(s) == SQLITE_ROW) {
    auto v = parse_osv(text_column(s, 0));
    if (!v) return fail(ErrorCode::kCorrupt, path_ + ": a stored record is damaged: " + v.error().message());
    out.push_back(std::move(*v));
  }
  return out;
}

}  // namespace strata
