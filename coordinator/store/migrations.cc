#include "coordinator/store/migrations.h"

#include <set>

namespace strata::coordinator {
namespace {

// pg_advisory_xact_lock key: "strata" in ASCII.
constexpr const char* kLockKey = "126948022777953";

}  // namespace

const std::vector<Migration>& builtin_migrations() {
  static const std::vector<Migration> migrations =
#include "schema/migrations.inc"
      ;
  return migrations;
}

Result<std::vector<std::string>> apply_migrations(PgConnection& db, const std::vector<Migration>& migrations) {
  return in_transaction(db, [&]() -> Result<std::vector<std::string>> {
    if (auto r = db.exec("SELECT pg_advisory_xact_lock($1::bigint)", {kLockKey}); !r) return std::unexpected(r.error());
    if (auto r = db.exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
                         "name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
        !r) {
      return std::unexpected(r.error());
    }
    auto done = db.exec("SELECT name FROM schema_migrations");
    if (!done) return std::unexpected(done.error());
    std::set<std::string, std::less<>> applied;
    for (int i = 0; i < done->rows(); ++i) applied.emplace(done->get(i, 0));
    std::vector<std::string> now;
    for (const Migration& m : migrations) {
      if (applied.contains(m.name)) continue;
      if (auto r = db.exec_script(m.sql); !r) return std::unexpected(r.error().with_context("migration " + m.name));
      if (auto r = db.exec("INSERT INTO schema_migrations (name) VALUES ($1)", {m.name}); !r) {
        return std::unexpected(r.error());
      }
      now.push_back(m.name);
    }
    return now;
  });
}

}  // namespace strata::coordinator
