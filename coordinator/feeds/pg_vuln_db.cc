#include "coordinator/feeds/pg_vuln_db.h"

#include <algorithm>
#include <unordered_map>

#include "common/digest.h"
#include "common/vulndb/ecosystem.h"
#include "common/vulndb/osv_json.h"
#include "coordinator/store/sql.h"

namespace strata::coordinator {

using sql::err;

using Pairs = std::set<std::pair<std::string, std::string>>;

Pairs record_pairs(const Vulnerability& v) {
  Pairs out;
  for (const auto& a : v.affected) {
    const std::string key = ecosystem_key(a.ecosystem);
    out.emplace(key, normalize_package_name(key, a.package));
  }
  return out;
}

namespace {

// The stored record for `id`, with what it says about ecosystems `incoming` does not name kept
// (as the SQLite adapter merges), and the pairs the stored record named.
Result<std::pair<Vulnerability, Pairs>> merged_with_stored(PgConnection& db, const Vulnerability& incoming,
                                                          std::uint64_t generation) {
  auto r = db.exec("SELECT record FROM feed_records WHERE id = $1", {incoming.id});
  if (!r) return err(r);
  // What the rescan compares the new record with: the record before this generation, once.
  auto kept = db.exec("INSERT INTO feed_record_history (generation, id, record) VALUES ($1, $2, $3) "
                      "ON CONFLICT DO NOTHING",
                      {std::to_string(generation), incoming.id, r->rows() > 0 ? PgParam(std::string(r->get(0, 0))) : std::nullopt});
  if (!kept) return err(kept);
  Vulnerability merged = incoming;
  Pairs before;
  if (r->rows() == 0) return std::pair{merged, before};
  auto old = parse_osv(r->get(0, 0));
  if (!old) return fail(ErrorCode::kCorrupt, "feed record " + incoming.id + " is damaged: " + old.error().message());
  before = record_pairs(*old);
  std::set<std::string> named;
  for (const auto& a : incoming.affected) named.insert(a.ecosystem);
  for (auto& a : old->affected) {
    if (!named.contains(a.ecosystem)) merged.affected.push_back(std::move(a));
  }
  return std::pair{merged, before};
}

// Stores one changed record and its index rows; adds the pairs it touched to `changed`.
Result<void> store_record(PgConnection& db, const std::string& source, const Vulnerability& incoming,
                          const std::string& incoming_hash, std::uint64_t generation, Pairs& changed) {
  auto merged = merged_with_stored(db, incoming, generation);
  if (!merged) return std::unexpected(merged.error());
  auto& [record, touched] = *merged;
  const Pairs now = record_pairs(record);
  touched.insert(now.begin(), now.end());
  auto put = db.exec("INSERT INTO feed_records (id, source, record, incoming_sha256, generation) "
                     "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO UPDATE SET source = EXCLUDED.source, "
                     "record = EXCLUDED.record, incoming_sha256 = EXCLUDED.incoming_sha256, "
                     "generation = EXCLUDED.generation",
                     {record.id, source, to_osv_json(record), incoming_hash, std::to_string(generation)});
  if (!put) return err(put);
  auto unindex = db.exec("DELETE FROM feed_affected WHERE id = $1", {record.id});
  if (!unindex) return err(unindex);
  std::vector<std::vector<PgParam>> rows;
  for (const auto& [key, package] : now) rows.push_back({key, package, record.id});
  if (auto c = db.copy_in("feed_affected", {"ecosystem_key", "package", "id"}, rows); !c) return c;
  changed.insert(touched.begin(), touched.end());
  return {};
}

}  // namespace

Result<FeedImport> PgVulnDb::import(const std::vector<std::pair<std::string, FeedBatch>>& batches) {
  auto db = pool_.acquire();
  if (!db) return err(db);
  FeedImport out;
  for (const auto& [source, batch] : batches) out.skipped.insert(out.skipped.end(), batch.skipped.begin(), batch.skipped.end());
  auto imported = in_transaction(**db, [&]() -> Result<void> {
    // One import at a time across coordinators: generations are numbered in commit order.
    if (auto lock = (*db)->exec("SELECT pg_advisory_xact_lock(hashtext('strata.feed_import'))"); !lock) return err(lock);
    auto next = (*db)->exec("SELECT COALESCE(max(generation), 0) + 1 FROM feed_generations");
    if (!next) return err(next);
    const auto generation = static_cast<std::uint64_t>(next->integer(0, 0));
    auto stored = (*db)->exec("SELECT id, incoming_sha256 FROM feed_records");
    if (!stored) return err(stored);
    std::unordered_map<std::string, std::string> hashes;
    hashes.reserve(static_cast<std::size_t>(stored->rows()));
    for (int i = 0; i < stored->rows(); ++i) hashes.emplace(stored->get(i, 0), stored->get(i, 1));
    for (const auto& [source, batch] : batches) {
      for (const Vulnerability& incoming : batch.records) {
        const std::string converted = to_osv_json(incoming);
        const std::string hash = Sha256::of(std::as_bytes(std::span(converted))).hex();
        auto& known = hashes[incoming.id];
        if (known == hash) {
          ++out.unchanged;
          continue;
        }
        if (auto r = store_record(**db, source, incoming, hash, generation, out.changed); !r) return r;
        known = hash;
        ++out.records;
      }
    }
    if (out.records == 0) return {};  // nothing written: no generation, no rescan
    auto made = (*db)->exec("INSERT INTO feed_generations (generation, records, skipped) VALUES ($1, $2, $3)",
                            {std::to_string(generation), std::to_string(out.records), std::to_string(out.skipped.size())});
    if (!made) return err(made);
    std::vector<std::vector<PgParam>> rows;
    for (const auto& [key, package] : out.changed) rows.push_back({std::to_string(generation), key, package});
    if (auto c = (*db)->copy_in("feed_changes", {"generation", "ecosystem_key", "package"}, rows); !c) return c;
    // Delivered at commit: running coordinators learn of the generation at once.
    if (auto n = (*db)->exec("SELECT pg_notify('strata_feeds', $1)", {std::to_string(generation)}); !n) return err(n);
    out.generation = generation;
    return {};
  });
  if (!imported) return std::unexpected(imported.error());
  return out;
}

Result<std::vector<std::pair<std::string, std::string>>> PgVulnDb::changes(std::uint64_t generation) {
  auto db = pool_.acquire();
  if (!db) return err(db);
  auto r = (*db)->exec("SELECT ecosystem_key, package FROM feed_changes WHERE generation = $1",
                       {std::to_string(generation)});
  if (!r) return err(r);
  std::vector<std::pair<std::string, std::string>> out;
  for (int i = 0; i < r->rows(); ++i) out.emplace_back(r->get(i, 0), r->get(i, 1));
  std::sort(out.begin(), out.end());  // byte order, whatever the database's collation
  return out;
}

Result<DbStamp> PgVulnDb::stamp() {
  auto db = pool_.acquire();
  if (!db) return err(db);
  auto r = (*db)->exec("SELECT generation, to_char(imported_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
                       "FROM feed_generations ORDER BY generation DESC LIMIT 1");
  if (!r) return err(r);
  if (r->rows() == 0) return DbStamp{};
  return DbStamp{static_cast<std::uint64_t>(r->integer(0, 0)), std::string(r->get(0, 1))};
}

Result<DbInfo> PgVulnDb::info() {
  auto stamped = stamp();
  if (!stamped) return std::unexpected(stamped.error());
  DbInfo info;
  info.path = "postgresql feed store";
  info.generation = stamped->generation;
  info.updated_at = stamped->updated_at;
  auto db = pool_.acquire();
  if (!db) return err(db);
  auto sources = (*db)->exec("SELECT source, count(*) FROM feed_records GROUP BY source");
  if (!sources) return err(sources);
  for (int i = 0; i < sources->rows(); ++i) {
    info.by_source[std::string(sources->get(i, 0))] = static_cast<std::uint64_t>(sources->integer(i, 1));
    info.records += static_cast<std::uint64_t>(sources->integer(i, 1));
  }
  auto ecosystems = (*db)->exec("SELECT ecosystem_key, count(*) FROM feed_affected GROUP BY ecosystem_key");
  if (!ecosystems) return err(ecosystems);
  for (int i = 0; i < ecosystems->rows(); ++i) {
    info.by_ecosystem[std::string(ecosystems->get(i, 0))] = static_cast<std::uint64_t>(ecosystems->integer(i, 1));
  }
  return info;
}

Result<std::vector<Vulnerability>> PgVulnDb::candidates(std::string_view ecosystem_key, std::string_view package) {
  auto db = pool_.acquire();
  if (!db) return err(db);
  auto r = (*db)->exec("SELECT r.record FROM feed_affected a JOIN feed_records r ON r.id = a.id "
                       "WHERE a.ecosystem_key = $1 AND a.package = $2",
                       {std::string(ecosystem_key), std::string(package)});
  if (!r) return err(r);
  std::vector<Vulnerability> out;
  for (int i = 0; i < r->rows(); ++i) {
    auto v = parse_osv(r->get(i, 0));
    if (!v) return fail(ErrorCode::kCorrupt, "a stored feed record is damaged: " + v.error().message());
    out.push_back(std::move(*v));
  }
  return out;
}

}  // namespace strata::coordinator
