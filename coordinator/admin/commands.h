// The operator's commands (strata-coordinator tenant|key|quarantine|registry-credentials|feeds): each
// connects to PostgreSQL (migrating it first), does one thing, prints what it did, and writes
// what it changed for a tenant to that tenant's audit log (as the operator, with no key id).
// Each returns the process's exit status: 0, or 2 after printing the error.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "coordinator/store/pg.h"
#include "coordinator/tenancy/quotas.h"

namespace strata::coordinator::admin {

// Connects to PostgreSQL and applies the migrations; errors name what is missing or wrong.
Result<std::unique_ptr<PgConnection>> migrated(const std::string& database_url);

int tenant_create(const std::string& database_url, const std::string& name);
int tenant_list(const std::string& database_url);
int tenant_quota(const std::string& database_url, const std::string& tenant, const QuotaOverrides& overrides,
                 const QuotaLimits& defaults);

struct KeyOptions {
  std::string name;
  std::vector<std::string> scopes;  // empty: read and scan
  std::optional<unsigned> expires_days;
  unsigned grace_hours = 0;  // rotate
};
int key_create(const std::string& database_url, const std::string& tenant, const KeyOptions& options);
int key_list(const std::string& database_url, const std::string& tenant);
int key_revoke(const std::string& database_url, const std::string& tenant, const std::string& key_id);
int key_rotate(const std::string& database_url, const std::string& tenant, const std::string& key_id,
               const KeyOptions& options);

int quarantine_list(const std::string& database_url, unsigned quarantine_hours);
int quarantine_lift(const std::string& database_url, const std::string& diff_id);

int credentials_key(const std::string& path);
// The feeds under `paths` (as `strata db import` reads them) into the cluster's feed store as one
// generation, or none when nothing changed; prints the generation, the records written and
// unchanged, the packages changed, and the first `show_skipped` records the converters skipped.
int feeds_import(const std::string& database_url, const std::vector<std::string>& paths, std::size_t show_skipped);
// Each ecosystem's OSV all.zip from `mirror` (as `strata db update` fetches them), into
// `download_dir` (a fresh temporary directory, removed afterwards, when empty), then imported as
// feeds_import does. A failed download is named and makes the exit 2; the others are imported.
int feeds_update(const std::string& database_url, const std::string& mirror, const std::vector<std::string>& ecosystems,
                 int attempts, const std::string& download_dir, std::size_t show_skipped);
int credentials_rekey(const std::string& database_url, const std::string& key_file,
                      const std::vector<std::string>& previous_key_files);

}  // namespace strata::coordinator::admin
