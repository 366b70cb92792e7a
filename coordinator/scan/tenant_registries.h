// The registry clients a tenant's scans and listings talk through (issue 14, defect 2): for a
// registry the tenant stored credentials for, a client with those and nothing else; for every
// other registry, the coordinator's shared clients (anonymous, or the operator's own credentials
// where --credentials-for names the registry). A tenant's set is kept a minute, so that a
// credential replaced or deleted through another coordinator stops being used within a minute;
// this coordinator's own changes take effect at once (forget()).
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>

#include "coordinator/store/tenant_id.h"
#include "coordinator/tenancy/registry_credentials.h"
#include "worker/api/registry_client.h"

namespace strata::coordinator {

class TenantRegistries {
 public:
  // `stored` may be null: every tenant uses the shared clients.
  TenantRegistries(worker::RegistryOptions options, RegistryCredentials* stored);

  Result<std::shared_ptr<worker::RegistryClients>> for_tenant(TenantId tenant);
  void forget(TenantId tenant);
  const std::shared_ptr<worker::RegistryClients>& shared() const { return shared_; }

 private:
  struct Entry {
    std::shared_ptr<worker::RegistryClients> clients;
    std::chrono::steady_clock::time_point made;
  };
  worker::RegistryOptions options_;
  RegistryCredentials* stored_;
  std::shared_ptr<worker::RegistryClients> shared_;
  std::mutex mutex_;
  std::map<TenantId, Entry> tenants_;
};

}  // namespace strata::coordinator
