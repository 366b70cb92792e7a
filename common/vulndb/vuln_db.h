// The vulnerability database as the scanner sees it: the records that name a package in an
// ecosystem (VulnerabilitySource, what matching reads), and which generation of the feeds they
// come from (what a report cites and a rescan compares). Adapters: one SQLite file
// (sqlite/sqlite_vuln_db.h) for the CLI and the coordinator; the cluster's shared feed store
// comes next.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "common/match/matcher.h"

namespace strata {

// Which generation of the feeds a database holds: what a report cites, and what a rescan compares.
struct DbStamp {
  std::uint64_t generation = 0;
  std::string updated_at;
};

struct DbInfo {
  std::string path;  // where the adapter keeps it, for messages
  std::uint64_t generation = 0;
  std::string updated_at;
  std::uint64_t records = 0;
  std::map<std::string, std::uint64_t> by_source;
  std::map<std::string, std::uint64_t> by_ecosystem;  // affected entries per ecosystem key
};

class VulnDb : public VulnerabilitySource {
 public:
  virtual Result<DbStamp> stamp() = 0;  // cheap: read per image
  virtual Result<DbInfo> info() = 0;    // counts every record: for `strata db info`
};

}  // namespace strata
