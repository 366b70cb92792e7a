// Finding and reading feed files, for `strata db import` and `strata-coordinator feeds import`: directories are walked; OSV JSON
// records, OSV all.zip archives, Alpine secdb JSON, the Debian tracker JSON and DSA/DLA lists are
// told apart by name and content. A file that is none of them is named in the summary, skipped.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/vulndb/feed_batch.h"

namespace strata {

// (source label, batch) per feed file found under `paths`; sources are "osv", "alpine-secdb",
// "debian-tracker", "debian-dsa", "debian-dla".
std::vector<std::pair<std::string, FeedBatch>> read_feed_paths(const std::vector<std::string>& paths);

// What an import skipped, for people: "skipped N:" and the first `shown`, one per line, then how
// many more; "" when nothing was skipped. `strata db import` and `strata-coordinator feeds
// import` both print it.
std::string skipped_summary(const std::vector<std::string>& skipped, std::size_t shown);

}  // namespace strata
