// The numbered SQL migrations in schema/migrations/, applied at coordinator start: each not yet
// recorded in schema_migrations runs in one transaction with its record, under an advisory lock,
// so two coordinators starting at once apply each exactly once. Applying twice changes nothing.
#pragma once

#include <string>
#include <vector>

#include "coordinator/store/pg.h"

namespace strata::coordinator {

struct Migration {
  std::string name;  // "001_init"
  std::string sql;
};

const std::vector<Migration>& builtin_migrations();

// Returns the names it applied now (empty when the schema was current).
Result<std::vector<std::string>> apply_migrations(PgConnection& db, const std::vector<Migration>& migrations);

}  // namespace strata::coordinator
