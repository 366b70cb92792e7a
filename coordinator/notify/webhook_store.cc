#include "coordinator/notify/webhook_store.h"

#include <algorithm>

#include "coordinator/store/random_hex.h"
#include "coordinator/store/sql.h"
#include "coordinator/tenancy/reseal.h"

namespace strata::coordinator {

using sql::bytea_param;
using sql::bytea_value;
using sql::err;

namespace {

// The box binds the secret to its row.
std::string plaintext(TenantId tenant, const std::string& id, const std::string& secret) {
  return nlohmann::json{{"tenant", tenant}, {"webhook", id}, {"secret", secret}}.dump();
}

// The secret in a sealed box, if the box opens and was sealed for this row.
std::optional<std::string> open_secret(const CredentialVault* vault, TenantId tenant, const std::string& id,
                                       const std::string& key_id, std::string_view sealed_column) {
  const auto sealed = bytea_value(sealed_column);
  if (vault == nullptr || !sealed) return std::nullopt;
  auto opened = vault->open(key_id, *sealed);
  if (!opened) return std::nullopt;
  const auto box = nlohmann::json::parse(*opened, nullptr, false);
  if (!box.is_object() || box.value("tenant", TenantId{0}) != tenant || box.value("webhook", "") != id) return std::nullopt;
  return box.value("secret", "");
}

int rank(const std::optional<std::string>& severity) {
  if (!severity) return 0;
  auto level = parse_severity_level(*severity);
  return level ? static_cast<int>(*level) : 0;
}

}  // namespace

Result<Webhook> WebhookStore::create(TenantId tenant, const std::string& url, const std::string& secret,
                                     SeverityLevel min_severity) {
  if (vault_ == nullptr) return fail(ErrorCode::kUnsupported, "no credentials key: webhooks cannot be stored");
  auto id = random_hex(8);
  if (!id) return std::unexpected(id.error());
  auto db = pool_.acquire();
  if (!db) return err(db);
  const std::string t = std::to_string(tenant);
  auto r = (*db)->exec(
      std::string("INSERT INTO webhooks (tenant_id, id, url, sealed_secret, key_id, min_severity, queued_through) VALUES "
                  "($1, $2, $3, $4::bytea, $5, $6, (SELECT COALESCE(max(id), 0) FROM finding_events WHERE tenant_id = $1 "
                  "AND id <= ") +
          kPublishedEventId +
          ")) "
      "RETURNING to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')",
      {t, *id, url, bytea_param(vault_->seal(plaintext(tenant, *id, secret))), vault_->key_id(),
       std::string(to_string(min_severity))});
  if (!r) return err(r);
  return Webhook{*id, url, std::string(to_string(min_severity)), std::string(r->get(0, 0)), 0, std::nullopt};
}

Result<std::vector<Webhook>> WebhookStore::list(TenantId tenant) {
  auto db = pool_.acquire();
  if (!db) return err(db);
  auto r = (*db)->exec("SELECT w.id, w.url, w.min_severity, to_char(w.created_at AT TIME ZONE 'UTC', "
                       "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), COALESCE(o.attempts, 0), o.last_error FROM webhooks w "
                       "LEFT JOIN webhook_outbox o ON o.tenant_id = w.tenant_id AND o.webhook_id = w.id "
                       "WHERE w.tenant_id = $1 ORDER BY w.created_at, w.id",
                       {std::to_string(tenant)});
  if (!r) return err(r);
  std::vector<Webhook> out;
  for (int i = 0; i < r->rows(); ++i) {
    out.push_back({std::string(r->get(i, 0)), std::string(r->get(i, 1)), std::string(r->get(i, 2)),
                   std::string(r->get(i, 3)), static_cast<int>(r->integer(i, 4)), r->optional(i, 5)});
  }
  return out;
}

Result<bool> WebhookStore::remove(TenantId tenant, const std::string& id) {
  auto db = pool_.acquire();
  if (!db) return err(db);
  // Its outbox goes with it (ON DELETE CASCADE).
  auto r = (*db)->exec("DELETE FROM webhooks WHERE tenant_id = $1 AND id = $2", {std::to_string(tenant), id});
  if (!r) return err(r);
  return r->affected() > 0;
}

Result<std::size_t> WebhookStore::fill_outbox(EventStore& events, std::size_t per_batch) {
  auto waiting = [&]() -> Result<PgResult> {
    auto db = pool_.acquire();
    if (!db) return err(db);
    return (*db)->exec(
        "SELECT w.tenant_id, w.id, w.min_severity, w.queued_through FROM webhooks w WHERE NOT EXISTS (SELECT 1 FROM "
        "webhook_outbox o WHERE o.tenant_id = w.tenant_id AND o.webhook_id = w.id) AND EXISTS (SELECT 1 FROM "
        "finding_events e WHERE e.tenant_id = w.tenant_id AND e.id > w.queued_through AND e.id <= " +
        std::string(kPublishedEventId) + ")");
  }();
  if (!waiting) return err(waiting);
  std::size_t queued = 0;
  for (int i = 0; i < waiting->rows(); ++i) {
    const auto tenant = static_cast<TenantId>(waiting->integer(i, 0));
    const std::string id(waiting->get(i, 1));
    const int min_rank = rank(std::string(waiting->get(i, 2)));
    const std::int64_t cursor = waiting->integer(i, 3);
    auto next = events.after(tenant, cursor, per_batch);
    if (!next) return std::unexpected(next.error());
    if (next->empty()) continue;
    auto batch = nlohmann::ordered_json::array();
    for (const auto& e : *next) {
      if (std::max(rank(e.severity), rank(e.previous_severity)) >= min_rank) batch.push_back(event_json(e));
    }
    const std::int64_t last = next->back().id;
    auto db = pool_.acquire();
    if (!db) return err(db);
    auto done = in_transaction(**db, [&]() -> Result<bool> {
      // Moved only from where it was read: a second coordinator filling at once queues nothing.
      auto moved = (*db)->exec("UPDATE webhooks SET queued_through = $4 WHERE tenant_id = $1 AND id = $2 AND "
                               "queued_through = $3",
                               {std::to_string(tenant), id, std::to_string(cursor), std::to_string(last)});
      if (!moved) return err(moved);
      if (moved->affected() == 0 || batch.empty()) return false;
      const nlohmann::ordered_json body = {{"webhook", id}, {"events", batch}};
      auto put = (*db)->exec("INSERT INTO webhook_outbox (tenant_id, webhook_id, body, first_event, last_event) "
                             "VALUES ($1, $2, $3, $4, $5)",
                             {std::to_string(tenant), id, body.dump(), batch.front()["id"].get<std::string>(),
                              std::to_string(last)});
      if (!put) return err(put);
      return true;
    });
    if (!done) return std::unexpected(done.error());
    queued += *done ? 1 : 0;
  }
  return queued;
}

Result<std::optional<bool>> WebhookStore::deliver_next(const std::function<Result<void>(const WebhookDelivery&)>& send,
                                                      std::chrono::milliseconds retry_base, TenantsInFlight& in_flight) {
  auto db = pool_.acquire();
  if (!db) return err(db);
  std::optional<TenantId> claimed;
  auto sent = in_transaction(**db, [&]() -> Result<std::optional<bool>> {
    std::unique_lock lock(in_flight.mutex);
    std::string busy = "{";
    for (const TenantId t : in_flight.tenants) busy += (busy.size() > 1 ? "," : "") + std::to_string(t);
    busy += "}";
    auto due = (*db)->exec(
        "SELECT o.id, o.tenant_id, o.webhook_id, w.url, w.key_id, w.sealed_secret, o.body, o.attempts "
        "FROM webhook_outbox o JOIN webhooks w ON w.tenant_id = o.tenant_id AND w.id = o.webhook_id "
        "WHERE o.next_attempt_at <= now() AND NOT o.tenant_id = ANY($1::bigint[]) ORDER BY o.attempts, o.id "
        "LIMIT 1 FOR UPDATE OF o SKIP LOCKED",
        {busy});
    if (!due) return err(due);
    if (due->rows() == 0) return std::optional<bool>();
    claimed = static_cast<TenantId>(due->integer(0, 1));
    in_flight.tenants.insert(*claimed);
    lock.unlock();
    WebhookDelivery d;
    d.id = due->integer(0, 0);
    d.tenant = static_cast<TenantId>(due->integer(0, 1));
    d.webhook_id = due->get(0, 2);
    d.url = due->get(0, 3);
    d.body = due->get(0, 6);
    d.attempts = static_cast<int>(due->integer(0, 7));
    Result<void> outcome = fail(ErrorCode::kCorrupt, "the webhook's secret does not open");
    if (auto secret = open_secret(vault_, d.tenant, d.webhook_id, std::string(due->get(0, 4)), due->get(0, 5))) {
      d.secret = std::move(*secret);
      outcome = send(d);
    }
    if (outcome) {
      auto gone = (*db)->exec("DELETE FROM webhook_outbox WHERE id = $1", {std::to_string(d.id)});
      if (!gone) return err(gone);
      return std::optional<bool>(true);
    }
    const std::int64_t wait_ms =
        std::min<std::int64_t>(retry_base.count() << std::min(d.attempts, 20), std::int64_t{600'000});
    auto later = (*db)->exec("UPDATE webhook_outbox SET attempts = attempts + 1, last_error = $2, next_attempt_at = "
                             "now() + make_interval(secs => $3::double precision / 1000) WHERE id = $1",
                             {std::to_string(d.id), outcome.error().message(), std::to_string(wait_ms)});
    if (!later) return err(later);
    return std::optional<bool>(false);
  });
  if (claimed) {
    std::lock_guard lock(in_flight.mutex);
    in_flight.tenants.erase(*claimed);
  }
  return sent;
}

Result<std::size_t> WebhookStore::rekey() {
  if (!vault_) return fail(ErrorCode::kInvalidInput, "rekeying needs the credentials key");
  return reseal_rows(pool_, *vault_, {"webhooks", "id", "sealed_secret"},
                     [&](TenantId tenant, const std::string& id, const std::string& key_id,
                         std::string_view sealed) -> Result<std::string> {
                       const auto secret = open_secret(vault_, tenant, id, key_id, sealed);
                       if (!secret) {
                         return fail(ErrorCode::kCorrupt, "the secret of tenant " + std::to_string(tenant) +
                                                              "'s webhook " + id +
                                                              " does not open with the keys given (add its key with "
                                                              "--previous-credentials-key-file)");
                       }
                       return plaintext(tenant, id, *secret);
                     });
}

}  // namespace strata::coordinator
