// Delivers the webhook outbox: a thread that queues new events as batches and POSTs due batches
// to their receivers, each signed with HMAC-SHA256 of the body under the webhook's secret:
//
//   Content-Type: application/json
//   X-Strata-Webhook: ID             X-Strata-Delivery: BATCH_ID (the same when a batch is sent again)
//   X-Strata-Signature: sha256=HEX   HMAC-SHA256(secret, body), lower-case hex
//
// A 2xx answer takes the batch; anything else (or no answer within the timeout) is tried again
// with a growing backoff. Several threads deliver, fresh batches before retries and never two of
// one tenant's at once, so a tenant whose receivers stall every request holds one thread for the
// timeout, not every tenant's events. Receivers are reached at public addresses only (common/net/address_policy.h)
// unless the operator allows private ones, and redirects are not followed: a tenant must not
// make the coordinator reach its own network.
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "common/metrics/metrics.h"
#include "coordinator/notify/webhook_store.h"

namespace strata::coordinator {

struct WebhookSenderConfig {
  std::chrono::milliseconds poll{500};
  std::chrono::milliseconds retry_base{2000};
  std::chrono::seconds timeout{5};
  unsigned threads = 4;
  std::size_t events_per_batch = 100;
  bool allow_private_addresses = false;
};

// "sha256=" and the HMAC-SHA256 of `body` under `secret`, in lower-case hex.
std::string webhook_signature(const std::string& secret, const std::string& body);
// Whether `url` may name a receiver: http or https, a host, no user information. "" when it may,
// else why not.
std::string webhook_url_problem(const std::string& url);

class WebhookSender {
 public:
  WebhookSender(WebhookSenderConfig config, WebhookStore& store, EventStore& events, MetricsRegistry& metrics);
  ~WebhookSender() { stop(); }
  void start();
  void stop();
  // One POST, as the thread sends it (for tests of the wire form).
  Result<void> send(const WebhookDelivery& delivery) const;

 private:
  void run(bool fills);

  WebhookSenderConfig config_;
  WebhookStore& store_;
  EventStore& events_;
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> threads_;
  TenantsInFlight in_flight_;
  Counter& delivered_;
  Counter& failed_;
};

}  // namespace strata::coordinator
