-- Webhooks (coordinator/notify/): each tenant's receivers of its finding events. A receiver gets
-- the events after the webhook was made, in id order, as JSON batches signed with HMAC-SHA256
-- under the webhook's secret (sealed here under the operator's credentials key, bound to its row).
-- A batch is written to the outbox before it is sent and deleted when the receiver took it: a
-- coordinator killed mid-delivery sends the same batch again after its restart. One batch per
-- webhook at a time, so batches arrive in order; each event carries its id for de-duplication.
CREATE TABLE webhooks (
  tenant_id       BIGINT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  id              TEXT NOT NULL,
  url             TEXT NOT NULL,
  sealed_secret   BYTEA NOT NULL,
  key_id          TEXT NOT NULL,
  min_severity    TEXT NOT NULL,
  queued_through  BIGINT NOT NULL,   -- events up to this id are in the outbox or were delivered
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE TABLE webhook_outbox (
  id               BIGSERIAL PRIMARY KEY,
  tenant_id        BIGINT NOT NULL,
  webhook_id       TEXT NOT NULL,
  body             TEXT NOT NULL,
  first_event      BIGINT NOT NULL,
  last_event       BIGINT NOT NULL,
  attempts         INT NOT NULL DEFAULT 0,
  next_attempt_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  last_error       TEXT,
  created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  FOREIGN KEY (tenant_id, webhook_id) REFERENCES webhooks(tenant_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX webhook_outbox_one_per_webhook ON webhook_outbox (tenant_id, webhook_id);
CREATE INDEX webhook_outbox_due ON webhook_outbox (next_attempt_at);
