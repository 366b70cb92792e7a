// A tenant's own secret rules in the cluster (the CLI's --secret-config): stored as the tenant
// wrote them, checked by compiling them before they are stored, and compiled once per coordinator
// for planning (their digest joins the layer cache key) and for the image config's secrets. A
// tenant's set is kept a minute, so a change through another coordinator is seen within a minute.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "coordinator/store/pg.h"
#include "coordinator/store/tenant_id.h"
#include "worker/api/secret_scanner.h"

namespace strata::coordinator {

struct TenantSecretRules {
  std::shared_ptr<const std::string> toml;
  std::string digest;  // worker::secret_rules_digest(*toml)
  std::shared_ptr<const worker::SecretScanner> scanner;
};

struct StoredSecretRules {
  std::string toml;
  std::string digest;
  std::string updated_at;
};

class SecretRulesStore {
 public:
  explicit SecretRulesStore(PgPool& pool) : pool_(pool) {}

  // Compiles `toml` and stores it; the rules skipped (each naming why). kInvalidInput when the
  // text does not parse or a rule does not compile.
  Result<std::vector<std::string>> put(TenantId tenant, const std::string& toml);
  Result<std::optional<StoredSecretRules>> get(TenantId tenant);
  Result<bool> remove(TenantId tenant);

  // The tenant's compiled rules; null when it uses the built-in ones.
  Result<std::shared_ptr<const TenantSecretRules>> for_tenant(TenantId tenant);
  void forget(TenantId tenant);

  static constexpr std::size_t kMaxBytes = 256 << 10;

 private:
  struct Entry {
    std::shared_ptr<const TenantSecretRules> rules;
    std::chrono::steady_clock::time_point made;
  };
  PgPool& pool_;
  std::mutex mutex_;
  std::map<TenantId, Entry> tenants_;
};

}  // namespace strata::coordinator
