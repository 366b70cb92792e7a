// Tenants' webhooks and their outbox (schema/migrations/014_webhooks.sql). A webhook's signing
// secret is sealed under the operator's credentials key and bound to its tenant and id, so a box
// copied into another row does not open. Every read and change is scoped by tenant; the outbox's
// filling and delivery are the coordinator's own, across tenants, and never reach the API.
#pragma once

#include <cstdint>
#include <chrono>
#include <functional>
#include <mutex>
#include <set>
#include <optional>
#include <string>
#include <vector>

#include "common/vulndb/model.h"
#include "coordinator/store/event_store.h"
#include "coordinator/store/pg.h"
#include "coordinator/store/tenant_id.h"
#include "coordinator/tenancy/credential_vault.h"

namespace strata::coordinator {

struct Webhook {
  std::string id;
  std::string url;
  std::string min_severity;
  std::string created_at;
  // The batch waiting for the receiver, if its last attempt failed: how often, and why.
  int failed_attempts = 0;
  std::optional<std::string> last_error;
};

// One batch of the outbox, as it is sent: its body is fixed when it is queued, so a batch sent
// again is byte for byte the same.
struct WebhookDelivery {
  std::int64_t id = 0;
  TenantId tenant = 0;
  std::string webhook_id;
  std::string url;
  std::string secret;
  std::string body;
  int attempts = 0;
};

// Tenants whose batch a thread of this coordinator is sending: the other threads take other
// tenants' batches, so one tenant's stalling receivers hold one thread, however many it has.
struct TenantsInFlight {
  std::mutex mutex;
  std::set<TenantId> tenants;
};

class WebhookStore {
 public:
  // `vault` null: no webhook can be stored (the operator set no credentials key).
  WebhookStore(PgPool& pool, const CredentialVault* vault) : pool_(pool), vault_(vault) {}
  bool can_store() const { return vault_ != nullptr; }

  // A webhook receives the tenant's events made after this call.
  Result<Webhook> create(TenantId tenant, const std::string& url, const std::string& secret, SeverityLevel min_severity);
  Result<std::vector<Webhook>> list(TenantId tenant);
  Result<bool> remove(TenantId tenant, const std::string& id);

  // For every webhook with no batch in the outbox and events after its cursor: the next events
  // (at most `per_batch`, those below its minimum severity left out) queued as one batch, and the
  // cursor moved past them, in one transaction; how many batches it queued.
  Result<std::size_t> fill_outbox(EventStore& events, std::size_t per_batch);
  // Sends the next due batch, fresh ones before retries and none of a tenant in `in_flight`,
  // locked while `send` runs (so two threads or coordinators never send the same batch at once):
  // delivered, it leaves the outbox; failed, it is tried again after `retry_base` × 2^attempts
  // (at most ten minutes). Nothing when none is due, else whether it was delivered.
  Result<std::optional<bool>> deliver_next(const std::function<Result<void>(const WebhookDelivery&)>& send,
                                           std::chrono::milliseconds retry_base, TenantsInFlight& in_flight);
  // Seals every webhook secret held under another key again under the vault's current one, in
  // one transaction (`strata-coordinator registry-credentials rekey`); how many.
  Result<std::size_t> rekey();

 private:
  PgPool& pool_;
  const CredentialVault* vault_;
};

}  // namespace strata::coordinator
