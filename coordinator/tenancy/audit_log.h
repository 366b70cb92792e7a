// The audit log: one row for every call that changes something (submitting a scan, making or
// revoking a key, storing registry credentials, ...), answered or refused, and for every change an
// operator makes at the command line. A tenant reads its own rows (GET /v1/audit), newest first.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "coordinator/store/pg.h"
#include "coordinator/store/tenant_id.h"

namespace strata::coordinator {

struct AuditEntry {
  std::int64_t id = 0;
  TenantId tenant = 0;
  std::optional<std::int64_t> key_id;  // none: the operator
  std::string action;                  // "scan.create", "key.revoke", ...
  std::string target;                  // what it acted on: a scan id, a key id, a registry
  int status = 0;                      // the HTTP status it was answered with
  std::string remote_addr;
  std::string at;  // UTC, RFC 3339
};

class AuditLog {
 public:
  explicit AuditLog(PgPool& pool) : pool_(pool) {}

  Result<void> record(const AuditEntry& entry);
  // The tenant's entries with id < `before` (0: from the newest), newest first, at most `limit`.
  Result<std::vector<AuditEntry>> entries(TenantId tenant, std::int64_t before, int limit);

 private:
  PgPool& pool_;
};

}  // namespace strata::coordinator
