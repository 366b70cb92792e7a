#include "coordinator/tenancy/audit_log.h"

namespace strata::coordinator {

Result<void> AuditLog::record(const AuditEntry& e) {
  auto db = pool_.acquire();
  if (!db) return std::unexpected(db.error());
  auto r = (*db)->exec(
      "INSERT INTO audit_log (tenant_id, key_id, action, target, status, remote_addr) VALUES ($1, $2, $3, $4, $5, $6)",
      {std::to_string(e.tenant), e.key_id ? PgParam(std::to_string(*e.key_id)) : std::nullopt, e.action,
       e.target.substr(0, 1000), std::to_string(e.status), e.remote_addr});
  if (!r) return std::unexpected(r.error());
  return {};
}

Result<std::vector<AuditEntry>> AuditLog::entries(TenantId tenant, std::int64_t before, int limit) {
  auto db = pool_.acquire();
  if (!db) return std::unexpected(db.error());
  auto r = (*db)->exec(
      "SELECT id, key_id, action, target, status, remote_addr, "
      "to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') FROM audit_log "
      "WHERE tenant_id = $1 AND ($2::bigint = 0 OR id < $2::bigint) ORDER BY id DESC LIMIT $3",
      {std::to_string(tenant), std::to_string(before), std::to_string(limit)});
  if (!r) return std::unexpected(r.error());
  std::vector<AuditEntry> out;
  for (int i = 0; i < r->rows(); ++i) {
    AuditEntry e;
    e.id = r->integer(i, 0);
    e.tenant = tenant;
    if (!r->null(i, 1)) e.key_id = r->integer(i, 1);
    e.action = std::string(r->get(i, 2));
    e.target = std::string(r->get(i, 3));
    e.status = static_cast<int>(r->integer(i, 4));
    e.remote_addr = std::string(r->get(i, 5));
    e.at = std::string(r->get(i, 6));
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace strata::coordinator
