// The cluster's vulnerability database in PostgreSQL: the second adapter of VulnDb (the first is
// the SQLite file `strata db` writes). An import is one transaction and one new generation, and
// records which (ecosystem key, package) pairs it touched — a record added, changed or withdrawn,
// on both its old and its new packages — so that a rescan re-matches only those. A record whose
// converted content is what its last import stored costs one hash comparison and no write:
// importing the same feeds again makes no generation at all. A changed record's previous text is
// kept per generation (feed_record_history) for the rescan to compare with. Reads are per package, as the
// SQLite adapter's. One object per thread (it holds a pool lease only while it runs a query).
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/vulndb/feed_batch.h"
#include "common/vulndb/vuln_db.h"
#include "coordinator/store/pg.h"

namespace strata::coordinator {

struct FeedImport {
  std::uint64_t generation = 0;  // 0: nothing changed, no generation made
  std::uint64_t records = 0;     // added or changed
  std::uint64_t unchanged = 0;
  std::vector<std::string> skipped;  // every record or file the converters skipped, named
  std::set<std::pair<std::string, std::string>> changed;  // (ecosystem key, package)
};

// The (ecosystem key, package) pairs a record's affected entries name, normalised as matching
// looks them up.
std::set<std::pair<std::string, std::string>> record_pairs(const Vulnerability& v);

class PgVulnDb final : public VulnDb {
 public:
  explicit PgVulnDb(PgPool& pool) : pool_(pool) {}

  // The batches as one generation, under a lock that serialises imports across coordinators.
  Result<FeedImport> import(const std::vector<std::pair<std::string, FeedBatch>>& batches);
  // The pairs a generation changed, in byte order.
  Result<std::vector<std::pair<std::string, std::string>>> changes(std::uint64_t generation);

  Result<DbStamp> stamp() override;
  Result<DbInfo> info() override;
  Result<std::vector<Vulnerability>> candidates(std::string_view ecosystem_key, std::string_view package) override;

 private:
  PgPool& pool_;
};

}  // namespace strata::coordinator
