// The rescan after a feed update: brings every stored image's findings to the newest generation
// of the feed store without a layer, a registry or a worker. It reads only what the generations
// changed: the (ecosystem key, package) pairs of feed_changes select the stored keys (ecosystem
// key, package, version) they can affect; each key is matched once against the records as they
// were before the generations (feed_record_history) and as they are now, and only a key whose
// findings differ touches the images that hold it, in SQL: new findings inserted, findings no
// longer matched resolved, severity or fix changes updated, each change a tenant's event. So a
// generation that rewrites every record without changing a finding costs one match per key, not
// a write per image. Images whose findings changed are marked for a new report document
// (refresh_documents); every other image's is assessed again when it is read.
//
// Pairs are taken in a fixed order and committed a chunk at a time with the rescan's progress,
// so a rescan cut short (kill -9, PostgreSQL restarting) resumes at its next chunk and ends
// exactly as an uninterrupted one. A chunk's keys are written in parts (rescan_part) over
// connections of their own at the same time, each committing on its own; once all have, one
// transaction publishes the chunk's events (finding_events_published: readers see ids up to it,
// all settled) and moves the progress. A part applied again compares equal and writes nothing.
// One coordinator rescans at a time (a session advisory lock).
// Images whose inventory came from another analyzer set are not re-matched: they are queued once
// for analysis again, as a bulk scan of their tenant.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "coordinator/feeds/pg_vuln_db.h"
#include "coordinator/store/pg.h"
#include "coordinator/scheduler/interactive_gate.h"
#include "coordinator/store/scan_store.h"

namespace strata::coordinator {

struct RescanConfig {
  std::uint64_t analyzer_set = 0;   // the coordinator's: images of another set are re-analysed
  std::size_t pairs_per_chunk = 2000;
  // Connections that write a chunk's findings at the same time, each for a share of its keys
  // (rescan_part); the rescanner's own, besides one from the shared pool.
  std::size_t apply_connections = 2;
  // Before each statement the rescan (and the documents' refresh) waits for interactive scans
  // under way, bounded (InteractiveGate): bulk work comes second.
  InteractiveGateConfig give_way;
  // A bulk scan the rescan created to analyse images again, for the scan runner to take.
  std::function<void(TenantId, const std::string& scan)> scan_created;
  // Checked between chunks: a coordinator stopping leaves the rest to its next start.
  const std::atomic<bool>* stop = nullptr;
  // After each chunk commits: pairs done, of how many (the coordinator's progress metric).
  std::function<void(std::uint64_t done, std::uint64_t total)> progress;
};

struct RescanOutcome {
  std::uint64_t generation = 0;  // the findings are now at this generation
  std::uint64_t since = 0;       // from this one
  std::uint64_t pairs = 0;       // (ecosystem key, package) pairs the generations changed
  std::uint64_t keys = 0;        // distinct stored (ecosystem key, package, version) matched, this run
  std::uint64_t keys_changed = 0;  // of which the findings differ before and after: their images are touched
  std::uint64_t findings_new = 0;
  std::uint64_t findings_resolved = 0;
  std::uint64_t findings_changed = 0;
  std::uint64_t images_requeued = 0;
  std::uint64_t gave_way_ms = 0;  // waited for interactive scans, summed over its connections
  bool resumed = false;          // it went on with a rescan an earlier run left unfinished
  bool finished = false;         // false: stopped between chunks, to be resumed
};

// The part of a chunk whose connection writes the findings of a stored key, of `parts`: fixed
// for a key, so a chunk resumed after some parts committed is split as before.
std::size_t rescan_part(std::string_view ecosystem_key, std::string_view package, std::string_view version,
                        std::size_t parts);

class Rescanner {
 public:
  Rescanner(PgPool& pool, PgVulnDb& db, ScanStore& scans, RescanConfig config)
      : pool_(pool),
        db_(db),
        scans_(scans),
        config_(std::move(config)),
        gate_(config_.give_way) {
    config_.apply_connections = std::max<std::size_t>(1, config_.apply_connections);
    apply_pool_ = std::make_unique<PgPool>(pool.url(), config_.apply_connections);
  }

  // Resumes a rescan left unfinished, else rescans the generations after the last rescan's.
  // nullopt: nothing to do, or another coordinator is rescanning.
  Result<std::optional<RescanOutcome>> run();

  // Assesses up to `limit` images whose findings a rescan changed again from their documents'
  // inventories, so that each stored document is what `strata image` prints with the new
  // database; how many it did. Each gives way to interactive scans first.
  Result<std::size_t> refresh_documents(std::size_t limit);
  // One image's document, assessed again when its findings or the database moved since it was
  // stored (and stored so); unchanged otherwise. For reads of a report.
  // The records as the rescanned generations found them (rescanner.cc).
  struct Before;

  Result<std::string> current_document(TenantId tenant, const std::string& digest, std::string document,
                                       std::uint64_t document_generation, bool stale);

 private:
  // The document's inventory assessed with `db`, stored over it (unless a later scan stored one).
  Result<std::string> reassess(TenantId tenant, const std::string& digest, const std::string& document, VulnDb& db);
  // Images of another analyzer set, not queued yet: bulk scans of their tenants; how many.
  Result<std::uint64_t> requeue_other_sets();

  PgPool& pool_;
  PgVulnDb& db_;
  ScanStore& scans_;
  RescanConfig config_;
  InteractiveGate gate_;
  std::unique_ptr<PgPool> apply_pool_;  // the chunk's parts write over these
};

}  // namespace strata::coordinator
