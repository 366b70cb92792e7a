#include "coordinator/store/job_store.h"

#include "coordinator/store/sql.h"

namespace strata::coordinator {

using sql::err;
using sql::kRowsPerStatement;

Result<std::uint64_t> JobStore::max_job_id() {
  auto db = pool_.acquire();
  if (!db) return err(db);
  auto r = (*db)->exec("SELECT COALESCE(max(id), 0) FROM jobs");
  if (!r) return err(r);
  return static_cast<std::uint64_t>(r->integer(0, 0));
}

Result<void> JobStore::record_jobs(const std::vector<JobEvent>& events) {
  if (events.empty()) return {};
  auto db = pool_.acquire();
  if (!db) return err(db);
  return in_transaction(**db, [&]() -> Result<void> {
    for (std::size_t start = 0; start < events.size(); start += kRowsPerStatement) {
      const std::size_t n = std::min(kRowsPerStatement, events.size() - start);
      PgParams params;
      for (std::size_t k = start; k < start + n; ++k) {
        const JobEvent& e = events[k];
        params.insert(params.end(), {std::to_string(e.id), e.diff_id, e.digest, e.state, std::to_string(e.attempts),
                                     e.worker.empty() ? PgParam() : PgParam(e.worker),
                                     e.error.empty() ? PgParam() : PgParam(e.error)});
      }
      // Events of one job may share a batch; the last one wins, as DISTINCT ON keeps it.
      auto r = (*db)->exec(
          "INSERT INTO jobs (id, diff_id, digest, state, attempts, worker, last_error) "
          "SELECT DISTINCT ON (id) id, diff_id, digest, state, attempts, worker, last_error FROM (SELECT "
          "v.a::bigint AS id, v.b AS diff_id, v.c AS digest, v.d AS state, v.e::int AS attempts, v.f AS worker, "
          "v.g AS last_error, v.ord FROM (VALUES " +
              [&] {
                // placeholders plus an ordinal column so DISTINCT ON can keep the latest
                std::string out;
                std::size_t p = 1;
                for (std::size_t r = 0; r < n; ++r) {
                  out += r > 0 ? ",(" : "(";
                  for (int c = 0; c < 7; ++c) out += '$' + std::to_string(p++) + ",";
                  out += std::to_string(r) + ")";
                }
                return out;
              }() +
              ") AS v(a, b, c, d, e, f, g, ord)) AS x ORDER BY id, ord DESC "
              "ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, attempts = EXCLUDED.attempts, "
              "worker = EXCLUDED.worker, last_error = COALESCE(EXCLUDED.last_error, jobs.last_error), updated_at = now()",
          params);
      if (!r) return err(r);
    }
    return {};
  });
}

Result<void> JobStore::quarantine_layer(const std::string& diff_id, const std::string& digest, int failures,
                                     const std::string& error) {
  auto db = pool_.acquire();
  if (!db) return err(db);
  auto r = (*db)->exec("INSERT INTO layers (diff_id, digest, size, media_type, failures, last_error, quarantined_at) "
                       "VALUES ($1, $2, 0, '', $3, $4, now()) ON CONFLICT (diff_id) DO UPDATE SET "
                       "failures = EXCLUDED.failures, last_error = EXCLUDED.last_error, quarantined_at = now()",
                       {diff_id, digest, std::to_string(failures), error});
  if (!r) return err(r);
  return {};
}

Result<std::map<std::string, std::string>> JobStore::quarantined_layers(std::chrono::seconds lasting) {
  auto rows = list_quarantines(lasting);
  if (!rows) return std::unexpected(rows.error());
  std::map<std::string, std::string> out;
  for (auto& q : *rows) out.emplace(std::move(q.diff_id), std::move(q.error));
  return out;
}

Result<std::vector<QuarantineRow>> JobStore::list_quarantines(std::chrono::seconds lasting) {
  auto db = pool_.acquire();
  if (!db) return err(db);
  auto r = (*db)->exec(
      "SELECT diff_id, digest, coalesce(last_error, ''), failures, "
      "to_char(quarantined_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
      "to_char((quarantined_at + make_interval(secs => $1::bigint)) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
      "FROM layers WHERE quarantined_at IS NOT NULL AND quarantined_at > now() - make_interval(secs => $1::bigint) "
      "ORDER BY quarantined_at, diff_id",
      {std::to_string(lasting.count())});
  if (!r) return err(r);
  std::vector<QuarantineRow> out;
  for (int i = 0; i < r->rows(); ++i) {
    out.push_back({std::string(r->get(i, 0)), std::string(r->get(i, 1)), std::string(r->get(i, 2)),
                   std::string(r->get(i, 4)), std::string(r->get(i, 5)), static_cast<int>(r->integer(i, 3))});
  }
  return out;
}

Result<bool> JobStore::lift_quarantine(const std::string& diff_id) {
  auto db = pool_.acquire();
  if (!db) return err(db);
  auto r = (*db)->exec("UPDATE layers SET quarantined_at = NULL, quarantine_lifted_at = now(), failures = 0 "
                       "WHERE diff_id = $1 AND quarantined_at IS NOT NULL",
                       {diff_id});
  if (!r) return err(r);
  return r->affected() > 0;
}

Result<std::vector<std::string>> JobStore::recently_lifted(std::chrono::seconds window) {
  auto db = pool_.acquire();
  if (!db) return err(db);
  auto r = (*db)->exec("SELECT diff_id FROM layers WHERE quarantined_at IS NULL AND quarantine_lifted_at > "
                       "now() - make_interval(secs => $1::bigint)",
                       {std::to_string(window.count())});
  if (!r) return err(r);
  std::vector<std::string> out;
  for (int i = 0; i < r->rows(); ++i) out.emplace_back(r->get(i, 0));
  return out;
}

}  // namespace strata::coordinator
