#include "coordinator/feeds/rescanner.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <span>
#include <thread>
#include <unordered_map>

#include "common/assess/assess_image.h"
#include "common/log.h"
#include "common/match/matcher.h"
#include "common/policy/filter.h"
#include "common/report/report_document.h"
#include "common/vulndb/osv_json.h"
#include "coordinator/store/event_store.h"
#include "coordinator/store/sql.h"

namespace strata::coordinator {

using sql::err;

namespace {

using Pair = std::pair<std::string, std::string>;  // (ecosystem key, package)

// Rows `a` and `b` name the same finding: equal in every column of the findings' key.
std::string same_finding(std::string_view a, std::string_view b) {
  std::string out;
  for (const char* column : {"tenant_id", "image_id", "vuln_id", "package_name", "package_version", "package_arch",
                             "package_path"}) {
    if (!out.empty()) out += " AND ";
    out.append(a).append(".").append(column).append(" = ").append(b).append(".").append(column);
  }
  return out;
}
// What matching finds now (n) and an open finding the rescan read (c); the stored finding (f)
// that such a read one is.
const std::string kSameFinding = same_finding("n", "c");
const std::string kStoredIsCurrent = same_finding("f", "c");

// Images the rescan re-matches: those whose inventory the coordinator's own analyzer set made.
constexpr const char* kOwnImage =
    "JOIN images i ON i.tenant_id = p.tenant_id AND i.digest = p.image_digest AND i.analyzer_set = $1";

Result<void> run(PgConnection& db, std::string_view statement, const PgParams& params = {}) {
  auto r = db.exec(statement, params);
  if (!r) return err(r);
  return {};
}

struct ChunkCounts {
  std::int64_t added = 0;
  std::int64_t resolved = 0;
  std::int64_t changed = 0;
  std::int64_t waited_ms = 0;  // given way to interactive scans
};

// A finding as the findings table holds it, for telling whether a key's findings changed. A
// vulnerability's aliases are not stored with each finding (an event takes them from the match).
using FindingWords = std::tuple<std::string, std::string, std::optional<std::string>, SeverityLevel, std::optional<double>>;

// A key's findings by vulnerability id.
std::map<std::string, std::vector<FindingWords>> words_by_id(const std::vector<Finding>& findings) {
  std::map<std::string, std::vector<FindingWords>> out;
  for (const Finding& f : findings) {
    out[f.id].emplace_back(f.id, f.installed_version, f.fixed_version, f.severity, f.cvss_score);
  }
  for (auto& [id, words] : out) std::sort(words.begin(), words.end());
  return out;
}

// The vulnerability ids whose findings for one key differ between two matches of it: new,
// gone, or with other words.
std::vector<std::string> differing_ids(const std::vector<Finding>& before, const std::vector<Finding>& after) {
  const auto then = words_by_id(before);
  const auto now = words_by_id(after);
  std::vector<std::string> out;
  for (const auto& [id, words] : now) {
    const auto it = then.find(id);
    if (it == then.end() || it->second != words) out.push_back(id);
  }
  for (const auto& [id, words] : then) {
    if (!now.contains(id)) out.push_back(id);
  }
  return out;
}

}  // namespace

// The records as they were before the rescanned generations, for the pairs they named: each
// record the generations changed, at its oldest kept version (none when it did not exist).
struct Rescanner::Before {
  std::unordered_map<std::string, bool> replaced;  // record id → true (its current text is newer)
  std::map<Pair, std::vector<Vulnerability>> by_pair;
};

namespace {

// What matching a chunk's stored keys found: each (key, vulnerability) whose finding differs
// before and after the generations (rescan_keys), and the findings now of those (rescan_matches).
struct ChunkMatches {
  std::uint64_t keys = 0;          // stored keys of the chunk's pairs, each matched before and after
  std::uint64_t keys_changed = 0;  // keys whose findings differ: only their images are touched
  std::vector<std::vector<PgParam>> key_rows;
  std::vector<std::vector<PgParam>> match_rows;
};

// The stored keys among the chunk's pairs (in rescan_pairs), each matched against the records
// before and after the generations.
Result<ChunkMatches> match_keys(PgConnection& db, const Rescanner::Before& before) {
  auto keys = db.exec("SELECT k.match_ecosystem, k.match_package, k.match_version FROM package_keys k JOIN rescan_pairs q "
                      "ON k.match_ecosystem = q.ecosystem_key AND k.match_package = q.package");
  if (!keys) return err(keys);
  auto found = db.exec(
      "SELECT a.ecosystem_key, a.package, r.id, r.record FROM rescan_pairs q JOIN feed_affected a ON "
      "a.ecosystem_key = q.ecosystem_key AND a.package = q.package JOIN feed_records r ON r.id = a.id");
  if (!found) return err(found);
  std::unordered_map<std::string, Vulnerability> parsed;
  std::map<Pair, std::vector<Vulnerability>> now;
  std::map<Pair, std::vector<Vulnerability>> then;  // the unchanged records of `now`, plus `before`'s
  for (int i = 0; i < found->rows(); ++i) {
    const std::string id(found->get(i, 2));
    auto it = parsed.find(id);
    if (it == parsed.end()) {
      auto v = parse_osv(found->get(i, 3));
      if (!v) return fail(ErrorCode::kCorrupt, "feed record " + id + " is damaged: " + v.error().message());
      it = parsed.emplace(id, std::move(*v)).first;
    }
    const Pair pair{std::string(found->get(i, 0)), std::string(found->get(i, 1))};
    now[pair].push_back(it->second);
    if (!before.replaced.contains(id)) then[pair].push_back(it->second);
  }
  static const std::vector<Vulnerability> kNone;
  auto records = [](const std::map<Pair, std::vector<Vulnerability>>& m, const Pair& p) -> const std::vector<Vulnerability>& {
    const auto it = m.find(p);
    return it == m.end() ? kNone : it->second;
  };
  ChunkMatches out;
  out.keys = static_cast<std::uint64_t>(keys->rows());
  std::vector<std::string> warnings;  // the documents, assessed again, carry them
  for (int i = 0; i < keys->rows(); ++i) {
    const MatchQuery query{std::string(keys->get(i, 0)), std::string(keys->get(i, 1)), std::string(keys->get(i, 2))};
    const Pair pair{query.ecosystem_key, query.package};
    ImagePackage package;
    package.package.name = query.package;
    const auto after = match_package(package, query, records(now, pair), warnings);
    std::vector<Vulnerability> earlier = records(then, pair);
    const auto& old_versions = records(before.by_pair, pair);
    earlier.insert(earlier.end(), old_versions.begin(), old_versions.end());
    const auto then_found = match_package(package, query, earlier, warnings);
    const auto differing = differing_ids(then_found, after);
    if (differing.empty()) continue;
    ++out.keys_changed;
    // Only the vulnerabilities that differ are applied to images: a key with fifty findings
    // and one new record touches one finding per image, not fifty. Each carries the aliases its
    // events name: the record's as it is now, or as it was for a finding that goes.
    for (const std::string& id : differing) {
      const auto named = [&](const std::vector<Finding>& findings) -> const Finding* {
        const auto it = std::find_if(findings.begin(), findings.end(), [&](const Finding& f) { return f.id == id; });
        return it == findings.end() ? nullptr : &*it;
      };
      const Finding* then = named(then_found);
      const Finding* f = named(after);
      if (f == nullptr) f = then;
      out.key_rows.push_back({query.ecosystem_key, query.package, query.version, id,
                              nlohmann::json(f != nullptr ? f->aliases : std::vector<std::string>{}).dump(),
                              then != nullptr ? "t" : "f"});
    }
    for (const Finding& f : after) {
      if (std::find(differing.begin(), differing.end(), f.id) == differing.end()) continue;
      out.match_rows.push_back({query.ecosystem_key, query.package, query.version, f.id, f.installed_version,
                                f.fixed_version, std::string(strata::to_string(f.severity)),
                                f.cvss_score ? PgParam(std::to_string(*f.cvss_score)) : std::nullopt});
    }
  }
  return out;
}

// The chunk's pairs matched, in the caller's transaction (the pairs' table lives until its end).
Result<ChunkMatches> match_chunk(PgConnection& db, std::span<const Pair> pairs, const Rescanner::Before& before) {
  if (auto r = run(db, "CREATE TEMPORARY TABLE rescan_pairs (ecosystem_key TEXT, package TEXT) ON COMMIT DROP"); !r) return std::unexpected(r.error());
  std::vector<std::vector<PgParam>> pair_rows;
  for (const auto& [key, package] : pairs) pair_rows.push_back({key, package});
  if (auto c = db.copy_in("rescan_pairs", {"ecosystem_key", "package"}, pair_rows); !c) return std::unexpected(c.error());
  if (auto r = run(db, "ANALYZE rescan_pairs"); !r) return std::unexpected(r.error());
  return match_keys(db, before);
}

// One part of a chunk (some of its keys), in the caller's transaction: the findings of the
// own-set images holding the part's keys become what matching finds now, each change an event
// (seen once the chunk is published), and the rescan's counts move on. A part applied before (a
// run cut short after it committed) compares equal and writes nothing. It never waits for
// another part: a transaction holding rows while it waited for something PostgreSQL cannot see
// would make a deadlock with a scan storing the same image that nothing detects.
Result<ChunkCounts> apply_part(PgConnection& db, const ChunkMatches& matches, const std::string& analyzer_set,
                               const std::string& generation, const std::string& since, const InteractiveGate& gate) {
  ChunkCounts counts;
  // No foreign key checks the findings' images or the events' tenants, row by row (migration
  // 020): the rescan vouches for them. Held from before the part reads anything until it
  // commits, this lock makes a deletion of images or tenants wait for the part, and the part
  // wait for a deletion under way (migration 021), so every image it reads exists at its commit.
  if (auto r = run(db, "SELECT pg_advisory_xact_lock_shared(hashtext('strata.rescan.parents'))"); !r) {
    return std::unexpected(r.error());
  }
  // A part sorts and hashes hundreds of thousands of found findings (at 100,000 images). With
  // PostgreSQL's default 4 MB each sort went to temporary files in a merge of many passes, and
  // an already ordered input was not recognised as ordered. In memory for this transaction only.
  if (auto r = run(db, "SET LOCAL work_mem = '256MB'"); !r) return std::unexpected(r.error());
  if (auto r = run(db, "SET LOCAL maintenance_work_mem = '256MB'"); !r) return std::unexpected(r.error());
  // Before each statement that reads or writes many rows: interactive scans first.
  auto give_way = [&]() -> Result<void> {
    auto waited = gate.give_way(db);
    if (!waited) return std::unexpected(waited.error());
    counts.waited_ms += waited->count();
    return {};
  };
  if (auto r = run(db, "CREATE TEMPORARY TABLE rescan_keys (match_ecosystem TEXT, match_package TEXT, "
                       "match_version TEXT, vuln_id TEXT, aliases TEXT, was_found BOOLEAN) ON COMMIT DROP");
      !r) {
    return std::unexpected(r.error());
  }
  if (auto r = run(db, "CREATE TEMPORARY TABLE rescan_matches (match_ecosystem TEXT, match_package TEXT, "
                       "match_version TEXT, vuln_id TEXT, installed_version TEXT, fixed_version TEXT, "
                       "severity TEXT, cvss_score DOUBLE PRECISION) ON COMMIT DROP");
      !r) {
    return std::unexpected(r.error());
  }
  if (auto c = db.copy_in("rescan_keys", {"match_ecosystem", "match_package", "match_version", "vuln_id", "aliases", "was_found"},
                          matches.key_rows);
      !c) {
    return std::unexpected(c.error());
  }
  if (auto c = db.copy_in("rescan_matches",
                          {"match_ecosystem", "match_package", "match_version", "vuln_id", "installed_version",
                           "fixed_version", "severity", "cvss_score"},
                          matches.match_rows);
      !c) {
    return std::unexpected(c.error());
  }
  for (const char* table : {"rescan_keys", "rescan_matches"}) {
    if (auto r = run(db, std::string("ANALYZE ") + table); !r) return std::unexpected(r.error());
  }

  if (auto w = give_way(); !w) return std::unexpected(w.error());
  // Where the part's findings are: each package of an own-set image that holds a key of the
  // part, once with each vulnerability whose findings of that key differ. The packages are read
  // once, for both what matching finds now and what is stored. A place can hold a stored finding
  // only if matching found it before the rescanned generations, or if its image was assessed
  // after them began (a scan meanwhile); only those places are looked up (most of a delta's
  // places are new findings, and their lookups found nothing).
  if (auto r = run(db,
                   std::string("CREATE TEMPORARY TABLE rescan_places ON COMMIT DROP AS SELECT DISTINCT p.tenant_id, "
                               "i.id AS image_id, k.vuln_id, p.name AS package_name, p.version AS package_version, "
                               "p.arch AS package_arch, p.path AS package_path, p.ecosystem, p.match_ecosystem, p.match_package, "
                               "p.match_version, k.aliases, k.was_found OR i.db_generation > $2::bigint AS may_be_stored FROM packages p JOIN rescan_keys k ON p.match_ecosystem = k.match_ecosystem "
                               "AND p.match_package = k.match_package AND p.match_version = k.match_version ") +
                       kOwnImage,
                   {analyzer_set, since});
      !r) {
    return std::unexpected(r.error());
  }
  if (auto r = run(db, "ANALYZE rescan_places"); !r) return std::unexpected(r.error());
  // The aliases each event names, by what a finding row holds of its key (the package as the
  // image names it, the version matched) and its vulnerability.
  if (auto r = run(db, "CREATE TEMPORARY TABLE rescan_aliases ON COMMIT DROP AS SELECT DISTINCT ON (vuln_id, "
                       "package_name, match_version) vuln_id, package_name, match_version AS installed_version, aliases "
                       "FROM rescan_places");
      !r) {
    return std::unexpected(r.error());
  }
  if (auto r = run(db, "ANALYZE rescan_aliases"); !r) return std::unexpected(r.error());
  if (auto w = give_way(); !w) return std::unexpected(w.error());
  // What matching finds now (n) in those places.
  if (auto r = run(db, "CREATE TEMPORARY TABLE rescan_found ON COMMIT DROP AS SELECT q.tenant_id, q.image_id, "
                       "q.vuln_id, q.package_name, q.package_version, q.package_arch, q.package_path, q.ecosystem, "
                       "m.installed_version, m.fixed_version, m.severity, m.cvss_score "
                       "FROM rescan_places q JOIN rescan_matches m ON q.match_ecosystem = m.match_ecosystem AND "
                       "q.match_package = m.match_package AND q.match_version = m.match_version AND q.vuln_id = m.vuln_id");
      !r) {
    return std::unexpected(r.error());
  }
  if (auto w = give_way(); !w) return std::unexpected(w.error());
  // The open findings it replaces (c): each place looked up by the findings' key, in that key's
  // order, so that the lookups of one vulnerability read adjacent index pages.
  if (auto r = run(db, "CREATE TEMPORARY TABLE rescan_current ON COMMIT DROP AS SELECT f.tenant_id, f.image_id, "
                       "f.vuln_id, f.package_name, f.package_version, f.package_arch, f.package_path, f.installed_version, "
                       "f.fixed_version, f.severity, f.cvss_score FROM (SELECT * FROM rescan_places WHERE may_be_stored ORDER BY "
                       "tenant_id, vuln_id, package_name, package_version, package_arch, package_path, image_id) q "
                       "JOIN findings f ON " + same_finding("f", "q") + " WHERE f.resolved_at IS NULL AND "
                       "f.installed_version = q.match_version");
      !r) {
    return std::unexpected(r.error());
  }
  for (const char* table : {"rescan_found", "rescan_current"}) {
    if (auto r = run(db, std::string("CREATE INDEX ON ") + table +
                             " (tenant_id, image_id, vuln_id, package_name, package_version, package_arch, package_path)");
        !r) {
      return std::unexpected(r.error());
    }
    if (auto r = run(db, std::string("ANALYZE ") + table); !r) return std::unexpected(r.error());
  }

  // Each write returns what it changed, and that is its events, in the same statement: nothing
  // is read twice, and an event says what was written. Events go in kind order (changed,
  // resolved, new), each kind in the findings' key order, the order new findings are inserted
  // in (so their events need no sort of their own); the counts are the events'.
  const std::string event_columns =
      "tenant_id, kind, generation, image_digest, vuln_id, aliases, package_name, package_version, package_arch, "
      "package_path, installed_version, fixed_version, severity, previous_severity, previous_fixed";
  const std::string event_order =
      " ORDER BY w.tenant_id, w.vuln_id, w.package_name, w.package_version, w.package_arch, w.package_path, w.image_id";
  auto write = [&](const std::string& change, const char* kind, const char* only, std::int64_t& count) -> Result<void> {
    if (auto w = give_way(); !w) return std::unexpected(w.error());
    auto r = db.exec("WITH w AS (" + change + "), e AS (INSERT INTO finding_events (" + event_columns +
                         ") SELECT w.tenant_id, '" + kind + "', $1::bigint, i.digest, w.vuln_id, "
                         "COALESCE(a.aliases, '[]'), w.package_name, w.package_version, w.package_arch, w.package_path, "
                         "w.installed_version, w.fixed_version, w.severity, w.previous_severity, w.previous_fixed FROM w "
                         "JOIN images i ON i.id = w.image_id "
                         "LEFT JOIN rescan_aliases a ON a.vuln_id = w.vuln_id AND a.package_name = w.package_name AND "
                         "a.installed_version = w.installed_version" + only + event_order +
                         " RETURNING 1) SELECT count(*) FROM e",
                     {generation});
    if (!r) return err(r);
    count = r->integer(0, 0);
    return {};
  };
  const std::string returned = "RETURNING f.tenant_id, f.image_id, f.vuln_id, f.package_name, "
                               "f.package_version, f.package_arch, f.package_path, f.installed_version, f.fixed_version, "
                               "f.severity";
  // Changed: the same finding with other words; an event when its severity or fix moved.
  if (auto r = write(std::string("UPDATE findings f SET installed_version = n.installed_version, fixed_version = "
                                 "n.fixed_version, severity = n.severity, cvss_score = n.cvss_score, "
                                 "db_generation = $1::bigint, last_seen = now() FROM rescan_found n JOIN rescan_current c ON ") +
                         kSameFinding +
                         // Compared between the two small tables first, so only the findings that
                         // differ are looked up (most found rows are new, and have none).
                         " WHERE (c.installed_version, c.fixed_version, c.severity, c.cvss_score) IS DISTINCT "
                         "FROM (n.installed_version, n.fixed_version, n.severity, n.cvss_score) AND " +
                         kStoredIsCurrent + " " +
                         returned + ", c.severity AS previous_severity, c.fixed_version AS previous_fixed",
                     "finding.changed",
                     " WHERE w.severity <> w.previous_severity OR w.fixed_version IS DISTINCT FROM w.previous_fixed",
                     counts.changed);
      !r) {
    return std::unexpected(r.error());
  }
  // Resolved: open findings matching no longer finds.
  if (auto r = write("UPDATE findings f SET resolved_at = now() FROM rescan_current c WHERE NOT EXISTS (SELECT 1 FROM "
                     "rescan_found n WHERE " + kSameFinding +
                         ") AND " + kStoredIsCurrent + " " +
                         returned + ", NULL AS previous_severity, NULL AS previous_fixed",
                     "finding.resolved", "", counts.resolved);
      !r) {
    return std::unexpected(r.error());
  }
  // New: found now and not open before (a finding resolved earlier opens again). In the
  // findings' key order, so the leaf pages of their primary key are each written once, in order.
  // A place that was not looked up may still hold the finding open, in the same words: written
  // by this part before a run was cut short, so it is neither written again nor an event again.
  if (auto r = write(std::string("INSERT INTO findings AS f (tenant_id, image_id, vuln_id, package_name, "
                                 "package_version, package_arch, package_path, installed_version, fixed_version, "
                                 "severity, cvss_score, db_generation, ecosystem) SELECT "
                                 "n.tenant_id, n.image_id, n.vuln_id, n.package_name, n.package_version, "
                                 "n.package_arch, n.package_path, n.installed_version, n.fixed_version, n.severity, "
                                 "n.cvss_score, $1::bigint, n.ecosystem FROM "
                                 "rescan_found n WHERE NOT EXISTS (SELECT 1 FROM rescan_current c WHERE ") +
                         kSameFinding +
                         ") ORDER BY n.tenant_id, n.vuln_id, n.package_name, n.package_version, n.package_arch, "
                         "n.package_path, n.image_id ON CONFLICT (tenant_id, image_id, vuln_id, package_name, "
                         "package_version, package_arch, package_path) DO UPDATE SET resolved_at = NULL, last_seen = "
                         "now(), installed_version = EXCLUDED.installed_version, fixed_version = EXCLUDED.fixed_version, "
                         "severity = EXCLUDED.severity, cvss_score = EXCLUDED.cvss_score, db_generation = "
                         "EXCLUDED.db_generation WHERE f.resolved_at IS NOT NULL OR (f.installed_version, f.fixed_version, "
                         "f.severity, f.cvss_score) IS DISTINCT FROM (EXCLUDED.installed_version, "
                         "EXCLUDED.fixed_version, EXCLUDED.severity, EXCLUDED.cvss_score) " +
                         returned + ", NULL AS previous_severity, NULL AS previous_fixed",
                     "finding.new", "", counts.added);
      !r) {
    return std::unexpected(r.error());
  }
  // The aliases a query by any of them finds these findings by (migration 024). Late and in
  // order: a part that inserts a pair another part holds uncommitted waits for that part's commit.
  if (auto r = run(db, "INSERT INTO finding_aliases (vuln_id, alias) SELECT DISTINCT k.vuln_id, a.alias FROM rescan_keys k, "
                       "json_array_elements_text(k.aliases::json) a(alias) WHERE k.aliases IS NOT NULL ORDER BY 1, 2 "
                       "ON CONFLICT DO NOTHING");
      !r) {
    return std::unexpected(r.error());
  }
  // Last, so that the rescan's row is held only until the commit that follows.
  auto progress = db.exec("UPDATE rescans SET findings_new = findings_new + $2, findings_resolved = findings_resolved + $3, "
                          "findings_changed = findings_changed + $4 WHERE generation = $1",
                          {generation, std::to_string(counts.added), std::to_string(counts.resolved),
                           std::to_string(counts.changed)});
  if (!progress) return err(progress);
  return counts;
}

// After every part of a chunk committed, in the caller's transaction: the images whose findings
// changed get their documents assessed again in the background (any other image's is assessed
// again when it is read: the database moved since), the chunk's events are published, and the
// rescan's progress moves to `done_through`. A run cut short before this does it on resuming,
// for the events of the parts that committed before and after.
Result<void> publish_chunk(PgConnection& db, const std::string& generation, std::size_t done_through) {
  if (auto r = run(db, "UPDATE images i SET document_stale = true FROM (SELECT DISTINCT tenant_id, image_digest FROM "
                       "finding_events WHERE id > " + std::string(kPublishedEventId) + ") t WHERE "
                       "i.tenant_id = t.tenant_id AND i.digest = t.image_digest AND NOT i.document_stale AND "
                       "i.document IS NOT NULL");
      !r) {
    return r;
  }
  // The fleet's aggregates of the tenants these events are for are stale now (migration 025).
  if (auto r = run(db, "UPDATE fleet_changes s SET changes = changes + 1 WHERE s.tenant_id IN (SELECT DISTINCT tenant_id "
                       "FROM finding_events WHERE id > " + std::string(kPublishedEventId) + ")");
      !r) {
    return r;
  }
  if (auto r = run(db, "UPDATE finding_events_published SET through = GREATEST(through, (SELECT COALESCE(max(id), 0) "
                       "FROM finding_events))");
      !r) {
    return r;
  }
  if (auto r = run(db, "UPDATE rescans SET pairs_done = $2 WHERE generation = $1", {generation, std::to_string(done_through)});
      !r) {
    return r;
  }
  return run(db, "SELECT pg_notify('strata_events', $1)", {generation});
}

}  // namespace

std::size_t rescan_part(std::string_view ecosystem_key, std::string_view package, std::string_view version,
                        std::size_t parts) {
  std::uint64_t hash = 14695981039346656037ull;  // FNV-1a: the same part on every run and machine
  for (const std::string_view word : {ecosystem_key, package, version}) {
    for (const char c : word) hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    hash = (hash ^ 0xffu) * 1099511628211ull;
  }
  return static_cast<std::size_t>(hash % std::max<std::size_t>(1, parts));
}

namespace {

// A chunk's keys in parts, each written on a connection of its own at the same time; their
// counts summed. A key's findings are its own rows (a finding belongs to one key), so parts
// never write the same row.
Result<ChunkCounts> apply_parts(PgPool& connections, std::size_t part_count, const ChunkMatches& matches,
                                const std::string& analyzer_set, const std::string& generation,
                                const std::string& since, const InteractiveGate& gate) {
  std::vector<ChunkMatches> split(part_count);
  for (const auto& row : matches.key_rows) {
    split[rescan_part(*row[0], *row[1], *row[2], part_count)].key_rows.push_back(row);
  }
  for (const auto& row : matches.match_rows) {
    split[rescan_part(*row[0], *row[1], *row[2], part_count)].match_rows.push_back(row);
  }
  std::erase_if(split, [](const ChunkMatches& m) { return m.key_rows.empty(); });
  const std::size_t parts = split.size();
  // Every part's connection is taken before any part starts, so a chunk never runs on fewer.
  std::vector<PgPool::Lease> leases;
  for (std::size_t i = 0; i < parts; ++i) {
    auto lease = connections.acquire();
    if (!lease) return err(lease);
    leases.push_back(std::move(*lease));
  }
  std::vector<Result<ChunkCounts>> results(parts);
  auto apply = [&](std::size_t i) {
    PgConnection& db = *leases[i];
    results[i] = in_transaction(db, [&] { return apply_part(db, split[i], analyzer_set, generation, since, gate); });
  };
  if (parts == 1) {
    apply(0);
  } else {
    std::vector<std::jthread> threads;
    for (std::size_t i = 0; i < parts; ++i) threads.emplace_back(apply, i);
  }
  ChunkCounts total;
  for (const auto& r : results) {
    if (!r) return std::unexpected(r.error());
    total.added += r->added;
    total.resolved += r->resolved;
    total.changed += r->changed;
    total.waited_ms += r->waited_ms;
  }
  return total;
}

// Holds the rescan lock of one session: only one coordinator rescans at a time, and a
// coordinator that dies gives it up with its connection.
class RescanLock {
 public:
  explicit RescanLock(PgConnection& db) : db_(db) {}
  ~RescanLock() {
    if (held_) (void)db_.exec("SELECT pg_advisory_unlock(hashtext('strata.rescan'))");
  }
  Result<bool> take() {
    auto r = db_.exec("SELECT pg_try_advisory_lock(hashtext('strata.rescan'))");
    if (!r) return err(r);
    held_ = r->get(0, 0) == "t";
    return held_;
  }

 private:
  PgConnection& db_;
  bool held_ = false;
};

}  // namespace

Result<std::optional<RescanOutcome>> Rescanner::run() {
  auto lease = pool_.acquire();
  if (!lease) return err(lease);
  PgConnection& db = **lease;
  RescanLock lock(db);
  auto taken = lock.take();
  if (!taken) return std::unexpected(taken.error());
  if (!*taken) return std::optional<RescanOutcome>();
  const std::string analyzer_set = std::to_string(config_.analyzer_set);

  RescanOutcome out;
  std::uint64_t pairs_done = 0;
  auto running = db.exec("SELECT generation, since, pairs_done FROM rescans WHERE state = 'running' "
                         "ORDER BY generation LIMIT 1");
  if (!running) return err(running);
  if (running->rows() > 0) {
    out.generation = static_cast<std::uint64_t>(running->integer(0, 0));
    out.since = static_cast<std::uint64_t>(running->integer(0, 1));
    pairs_done = static_cast<std::uint64_t>(running->integer(0, 2));
    out.resumed = true;
  } else {
    // After the last rescan's generation; before any, after the oldest generation an image was
    // assessed with (the scan runner matched it with everything up to there).
    auto latest = db.exec("SELECT COALESCE(max(generation), 0), COALESCE((SELECT max(generation) FROM rescans), "
                          "(SELECT min(db_generation) FROM images WHERE analyzer_set = $1), max(generation), 0) "
                          "FROM feed_generations",
                          {analyzer_set});
    if (!latest) return err(latest);
    out.generation = static_cast<std::uint64_t>(latest->integer(0, 0));
    out.since = static_cast<std::uint64_t>(latest->integer(0, 1));
    auto last = db.exec("SELECT COALESCE(max(generation), 0) FROM rescans");
    if (!last) return err(last);
    if (out.generation <= static_cast<std::uint64_t>(last->integer(0, 0))) return std::optional<RescanOutcome>();
    if (out.generation <= out.since) {
      // Every image was assessed with this generation already: nothing to match, but the
      // generation counts as rescanned, and images of another set are still analysed again.
      auto requeued = requeue_other_sets();
      if (!requeued) return std::unexpected(requeued.error());
      out.images_requeued = *requeued;
      auto noted = db.exec("INSERT INTO rescans (generation, since, state, pairs_total, images_requeued, finished_at) "
                           "VALUES ($1, $2, 'done', 0, $3, now())",
                           {std::to_string(out.generation), std::to_string(out.since), std::to_string(*requeued)});
      if (!noted) return err(noted);
      out.finished = true;
      return std::optional<RescanOutcome>(out);
    }
    auto started = db.exec(
        "INSERT INTO rescans (generation, since, state, pairs_total) SELECT $1, $2, 'running', count(*) FROM "
        "(SELECT DISTINCT ecosystem_key, package FROM feed_changes WHERE generation > $2 AND generation <= $1) c",
        {std::to_string(out.generation), std::to_string(out.since)});
    if (!started) return err(started);
  }
  auto requeued = requeue_other_sets();
  if (!requeued) return std::unexpected(requeued.error());
  out.images_requeued = *requeued;

  auto changed = db.exec("SELECT DISTINCT ecosystem_key, package FROM feed_changes WHERE generation > $2 AND "
                         "generation <= $1",
                         {std::to_string(out.generation), std::to_string(out.since)});
  if (!changed) return err(changed);
  std::vector<Pair> pairs;
  pairs.reserve(static_cast<std::size_t>(changed->rows()));
  for (int i = 0; i < changed->rows(); ++i) pairs.emplace_back(changed->get(i, 0), changed->get(i, 1));
  std::sort(pairs.begin(), pairs.end());  // byte order: the same chunks on every run
  out.pairs = pairs.size();
  Before before;
  auto history = db.exec("SELECT DISTINCT ON (id) id, record FROM feed_record_history WHERE generation > $2 AND "
                         "generation <= $1 ORDER BY id, generation",
                         {std::to_string(out.generation), std::to_string(out.since)});
  if (!history) return err(history);
  for (int i = 0; i < history->rows(); ++i) {
    const std::string id(history->get(i, 0));
    before.replaced[id] = true;
    if (history->null(i, 1)) continue;  // it did not exist before
    auto v = parse_osv(history->get(i, 1));
    if (!v) return fail(ErrorCode::kCorrupt, "the kept version of feed record " + id + " is damaged: " + v.error().message());
    for (const auto& pair : record_pairs(*v)) before.by_pair[pair].push_back(*v);
  }
  log_info("rescan", std::string(out.resumed ? "resuming" : "starting") + " the rescan to generation " +
                         std::to_string(out.generation) + ": " + std::to_string(pairs.size()) +
                         " changed packages, " + std::to_string(pairs_done) + " done");

  const std::string generation = std::to_string(out.generation);
  const std::size_t chunk = std::max<std::size_t>(1, config_.pairs_per_chunk);
  for (std::size_t start = pairs_done; start < pairs.size(); start += chunk) {
    if (config_.stop != nullptr && config_.stop->load()) {
      log_info("rescan", "stopping the rescan to generation " + generation + " after " + std::to_string(start) +
                             " of " + std::to_string(pairs.size()) + " changed packages; the next start resumes it");
      return std::optional<RescanOutcome>(out);
    }
    const std::size_t n = std::min(chunk, pairs.size() - start);
    auto waited = gate_.give_way(db);
    if (!waited) return std::unexpected(waited.error());
    out.gave_way_ms += static_cast<std::uint64_t>(waited->count());
    auto matches = in_transaction(db, [&] { return match_chunk(db, std::span(pairs).subspan(start, n), before); });
    if (!matches) return std::unexpected(matches.error());
    out.keys += matches->keys;
    out.keys_changed += matches->keys_changed;
    if (matches->keys_changed == 0) {  // no image's findings can differ
      auto progress = db.exec("UPDATE rescans SET pairs_done = $2 WHERE generation = $1",
                              {generation, std::to_string(start + n)});
      if (!progress) return err(progress);
    } else {
      auto counts = apply_parts(*apply_pool_, config_.apply_connections, *matches, analyzer_set, generation,
                                std::to_string(out.since), gate_);
      if (!counts) return std::unexpected(counts.error());
      auto published = in_transaction(db, [&] { return publish_chunk(db, generation, start + n); });
      if (!published) return std::unexpected(published.error());
      out.findings_new += static_cast<std::uint64_t>(counts->added);
      out.findings_resolved += static_cast<std::uint64_t>(counts->resolved);
      out.findings_changed += static_cast<std::uint64_t>(counts->changed);
      out.gave_way_ms += static_cast<std::uint64_t>(counts->waited_ms);
    }
    if (config_.progress) config_.progress(start + n, pairs.size());
  }
  auto done = db.exec("UPDATE rescans SET state = 'done', finished_at = now(), images_requeued = images_requeued + $2 "
                      "WHERE generation = $1",
                      {generation, std::to_string(out.images_requeued)});
  if (!done) return err(done);
  // The kept versions served this rescan; the next compares with what is stored now.
  if (auto pruned = db.exec("DELETE FROM feed_record_history WHERE generation <= $1", {generation}); !pruned) {
    return err(pruned);
  }
  out.finished = true;
  log_info("rescan", "findings at generation " + generation + ": " + std::to_string(out.findings_new) + " new, " +
                         std::to_string(out.findings_resolved) + " resolved, " + std::to_string(out.findings_changed) +
                         " changed, from " + std::to_string(out.keys) + " package versions matched (" +
                         std::to_string(out.keys_changed) + " with other findings than before); gave way to "
                         "interactive scans for " + std::to_string(out.gave_way_ms) + " ms");
  return std::optional<RescanOutcome>(out);
}

Result<std::uint64_t> Rescanner::requeue_other_sets() {
  auto lease = pool_.acquire();
  if (!lease) return err(lease);
  auto stale = (*lease)->exec("SELECT tenant_id, digest, ref FROM images WHERE analyzer_set IS DISTINCT FROM $1 AND "
                              "reanalysis_scan IS NULL ORDER BY tenant_id, digest",
                              {std::to_string(config_.analyzer_set)});
  if (!stale) return err(stale);
  std::map<TenantId, std::vector<std::pair<std::string, std::string>>> by_tenant;  // (digest, ref)
  for (int i = 0; i < stale->rows(); ++i) {
    by_tenant[static_cast<TenantId>(stale->integer(i, 0))].emplace_back(stale->get(i, 1), stale->get(i, 2));
  }
  std::uint64_t requeued = 0;
  for (const auto& [tenant, images] : by_tenant) {
    constexpr std::size_t kImagesPerScan = 1000;
    for (std::size_t start = 0; start < images.size(); start += kImagesPerScan) {
      const auto part = std::span(images).subspan(start, std::min(kImagesPerScan, images.size() - start));
      std::vector<std::string> refs;
      for (const auto& [digest, ref] : part) refs.push_back(ref);
      auto scan = scans_.create_scan(tenant, Priority::kBulk, refs);
      if (!scan) return std::unexpected(scan.error());
      for (const auto& [digest, ref] : part) {
        auto marked = (*lease)->exec("UPDATE images SET reanalysis_scan = $3 WHERE tenant_id = $1 AND digest = $2",
                                     {std::to_string(tenant), digest, *scan});
        if (!marked) return err(marked);
      }
      requeued += part.size();
      log_info("rescan", "tenant " + std::to_string(tenant) + ": " + std::to_string(part.size()) +
                             " images from another analyzer set are analysed again (scan " + *scan + ")");
      if (config_.scan_created) config_.scan_created(tenant, *scan);
    }
  }
  return requeued;
}

namespace {

// The feed store as one batch of documents reads it: the stamp once, and each package's records
// once however many images of the batch hold it (images of a fleet share most of their packages).
class BatchVulnDb final : public VulnDb {
 public:
  explicit BatchVulnDb(VulnDb& db) : db_(db) {}
  Result<DbStamp> stamp() override {
    if (!stamp_) {
      auto s = db_.stamp();
      if (!s) return s;
      stamp_ = *s;
    }
    return *stamp_;
  }
  Result<DbInfo> info() override { return db_.info(); }
  Result<std::vector<Vulnerability>> candidates(std::string_view ecosystem_key, std::string_view package) override {
    const Pair key{std::string(ecosystem_key), std::string(package)};
    if (auto it = cache_.find(key); it != cache_.end()) return it->second;
    auto found = db_.candidates(ecosystem_key, package);
    if (!found) return found;
    return cache_.emplace(key, std::move(*found)).first->second;
  }

 private:
  VulnDb& db_;
  std::optional<DbStamp> stamp_;
  std::map<Pair, std::vector<Vulnerability>> cache_;
};

}  // namespace

Result<std::string> Rescanner::current_document(TenantId tenant, const std::string& digest, std::string document,
                                                std::uint64_t document_generation, bool stale) {
  auto stamp = db_.stamp();
  if (!stamp) return std::unexpected(stamp.error());
  if (!stale && stamp->generation <= document_generation) return document;
  return reassess(tenant, digest, document, db_);
}

Result<std::string> Rescanner::reassess(TenantId tenant, const std::string& digest, const std::string& document,
                                        VulnDb& db) {
  auto report = decode_report_document(document, "the stored report of " + digest);
  if (!report) return std::unexpected(report.error());
  // The same assessment as the scan runner's, with the database as it is now.
  Policy policy;
  policy.today = utc_today();
  auto assessed = assess_image(std::move(report->inventory), &db, policy);
  if (!assessed) return std::unexpected(assessed.error());
  std::string fresh = encode_report_document(*assessed);
  auto lease = pool_.acquire();
  if (!lease) return err(lease);
  // Not over a document a later scan stored.
  auto stored = (*lease)->exec("UPDATE images SET document = $3, db_generation = $4, document_stale = false "
                               "WHERE tenant_id = $1 AND digest = $2 AND db_generation <= $4",
                               {std::to_string(tenant), digest, fresh, std::to_string(assessed->db.generation)});
  if (!stored) return err(stored);
  return fresh;
}

Result<std::size_t> Rescanner::refresh_documents(std::size_t limit) {
  auto stale = [&]() -> Result<PgResult> {
    auto lease = pool_.acquire();
    if (!lease) return err(lease);
    return (*lease)->exec("SELECT tenant_id, digest, document FROM images WHERE document_stale AND document IS NOT NULL "
                          "LIMIT $1",
                          {std::to_string(limit)});
  }();
  if (!stale) return err(stale);
  BatchVulnDb batch(db_);
  for (int i = 0; i < stale->rows(); ++i) {
    {
      auto lease = pool_.acquire();
      if (!lease) return err(lease);
      if (auto waited = gate_.give_way(**lease); !waited) return std::unexpected(waited.error());
    }
    auto r = reassess(static_cast<TenantId>(stale->integer(i, 0)), std::string(stale->get(i, 1)),
                      std::string(stale->get(i, 2)), batch);
    if (!r) return std::unexpected(r.error());
  }
  return static_cast<std::size_t>(stale->rows());
}

}  // namespace strata::coordinator
