#include "coordinator/scan/tenant_registries.h"

namespace strata::coordinator {

namespace {
constexpr std::chrono::seconds kKeep{60};
}

TenantRegistries::TenantRegistries(worker::RegistryOptions options, RegistryCredentials* stored)
    : options_(std::move(options)), stored_(stored), shared_(std::make_shared<worker::RegistryClients>(options_)) {}

Result<std::shared_ptr<worker::RegistryClients>> TenantRegistries::for_tenant(TenantId tenant) {
  if (stored_ == nullptr || !stored_->enabled()) return shared_;
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    if (const auto it = tenants_.find(tenant); it != tenants_.end() && now - it->second.made < kKeep) {
      return it->second.clients;
    }
  }
  auto own = stored_->all(tenant);
  if (!own) return std::unexpected(own.error());
  auto clients = own->empty() ? shared_ : std::make_shared<worker::RegistryClients>(options_, std::move(*own), shared_);
  std::lock_guard lock(mutex_);
  tenants_[tenant] = {clients, now};
  return clients;
}

void TenantRegistries::forget(TenantId tenant) {
  std::lock_guard lock(mutex_);
  tenants_.erase(tenant);
}

}  // namespace strata::coordinator
