// Where the CLI's vulnerability database file is.
#pragma once

#include <string>

namespace strata::cli {

// `flag` (--db) if set, else $STRATA_DB, else $XDG_CACHE_HOME/strata/vulndb.sqlite (default
// ~/.cache/strata/).
std::string resolve_db_path(const std::string& flag);

}  // namespace strata::cli
