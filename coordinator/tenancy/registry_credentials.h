// A tenant's own registry credentials (issue 14, defect 2): stored sealed (CredentialVault), used
// only for that tenant's scans of that registry, never returned, logged or cached in clear. A
// listing says which registries have credentials and when they were stored; nothing more.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/registry/docker_config.h"
#include "coordinator/store/pg.h"
#include "coordinator/store/tenant_id.h"
#include "coordinator/tenancy/credential_vault.h"

namespace strata::coordinator {

struct StoredRegistry {
  std::string registry;  // API host[:port]
  std::string created_at;
  std::string updated_at;
};

// "docker.io", "ghcr.io", "127.0.0.1:5000", "https://ghcr.io/" → the API host the coordinator's
// registry clients are keyed by; an error for anything that is not a registry's name.
Result<std::string> registry_api_host(std::string_view text);

class RegistryCredentials {
 public:
  // Without a vault, storing credentials is refused (the operator gave no credentials key).
  RegistryCredentials(PgPool& pool, const CredentialVault* vault) : pool_(pool), vault_(vault) {}

  bool enabled() const { return vault_ != nullptr; }
  // Stores or replaces the tenant's credential for `registry` (an API host).
  Result<void> put(TenantId tenant, const std::string& registry, const RegistryCredential& credential);
  Result<std::vector<StoredRegistry>> list(TenantId tenant);
  // False when the tenant had none for it.
  Result<bool> remove(TenantId tenant, const std::string& registry);
  // The opened credential; nothing when the tenant stored none for `registry`.
  Result<std::optional<RegistryCredential>> get(TenantId tenant, const std::string& registry);
  // Every credential the tenant stored, opened, by registry.
  Result<std::map<std::string, RegistryCredential>> all(TenantId tenant);
  // Seals every row again under the vault's current key; how many it re-sealed.
  Result<std::size_t> rekey();

 private:
  Result<RegistryCredential> open(TenantId tenant, const std::string& registry, const std::string& key_id,
                                  std::string_view sealed_hex);

  PgPool& pool_;
  const CredentialVault* vault_;
};

}  // namespace strata::coordinator
