#include "coordinator/tenancy/secret_rules.h"

#include "worker/api/secret_rules.h"

namespace strata::coordinator {
namespace {

constexpr std::chrono::seconds kKeep{60};

Result<std::shared_ptr<const worker::SecretScanner>> compile(const std::string& toml, std::vector<std::string>* skipped) {
  auto rules = worker::secret_rules_from_text(toml, "the secret rules");
  if (!rules) return std::unexpected(rules.error());
  auto scanner = worker::SecretScanner::compile(*rules);
  if (!scanner) return std::unexpected(scanner.error());
  if (skipped != nullptr) *skipped = (*scanner)->skipped();
  return *scanner;
}

}  // namespace

Result<std::vector<std::string>> SecretRulesStore::put(TenantId tenant, const std::string& toml) {
  if (toml.size() > kMaxBytes) {
    return fail(ErrorCode::kInvalidInput, "the secret rules are " + std::to_string(toml.size()) + " bytes; at most " +
                                              std::to_string(kMaxBytes));
  }
  std::vector<std::string> skipped;
  auto scanner = compile(toml, &skipped);
  if (!scanner) return fail(ErrorCode::kInvalidInput, scanner.error().message());
  auto db = pool_.acquire();
  if (!db) return std::unexpected(db.error());
  auto r = (*db)->exec("INSERT INTO tenant_secret_rules (tenant_id, rules, digest) VALUES ($1, $2, $3) "
                       "ON CONFLICT (tenant_id) DO UPDATE SET rules = EXCLUDED.rules, digest = EXCLUDED.digest, "
                       "updated_at = now()",
                       {std::to_string(tenant), toml, worker::secret_rules_digest(toml)});
  if (!r) return std::unexpected(r.error());
  forget(tenant);
  return skipped;
}

Result<std::optional<StoredSecretRules>> SecretRulesStore::get(TenantId tenant) {
  auto db = pool_.acquire();
  if (!db) return std::unexpected(db.error());
  auto r = (*db)->exec("SELECT rules, digest, to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
                       "FROM tenant_secret_rules WHERE tenant_id = $1",
                       {std::to_string(tenant)});
  if (!r) return std::unexpected(r.error());
  if (r->rows() == 0) return std::optional<StoredSecretRules>();
  return std::optional<StoredSecretRules>(
      StoredSecretRules{std::string(r->get(0, 0)), std::string(r->get(0, 1)), std::string(r->get(0, 2))});
}

Result<bool> SecretRulesStore::remove(TenantId tenant) {
  auto db = pool_.acquire();
  if (!db) return std::unexpected(db.error());
  auto r = (*db)->exec("DELETE FROM tenant_secret_rules WHERE tenant_id = $1", {std::to_string(tenant)});
  if (!r) return std::unexpected(r.error());
  forget(tenant);
  return r->affected() > 0;
}

Result<std::shared_ptr<const TenantSecretRules>> SecretRulesStore::for_tenant(TenantId tenant) {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    if (const auto it = tenants_.find(tenant); it != tenants_.end() && now - it->second.made < kKeep) {
      return it->second.rules;
    }
  }
  auto stored = get(tenant);
  if (!stored) return std::unexpected(stored.error());
  std::shared_ptr<const TenantSecretRules> rules;
  if (*stored) {
    // The same text with the same digest was compiled when it was stored; it compiles again.
    auto scanner = compile((*stored)->toml, nullptr);
    if (!scanner) return std::unexpected(scanner.error());
    auto toml = std::make_shared<const std::string>(std::move((*stored)->toml));
    rules = std::make_shared<const TenantSecretRules>(TenantSecretRules{toml, worker::secret_rules_digest(*toml), *scanner});
  }
  std::lock_guard lock(mutex_);
  tenants_[tenant] = {rules, now};
  return rules;
}

void SecretRulesStore::forget(TenantId tenant) {
  std::lock_guard lock(mutex_);
  tenants_.erase(tenant);
}

}  // namespace strata::coordinator
