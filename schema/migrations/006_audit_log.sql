-- Every call that changes something, as the tenant may ask to see it (GET /v1/audit): who (the
-- key's id; NULL for the operator at the command line), what (the action and its target), when,
-- from where, and how it was answered. Rows are only ever added.
CREATE TABLE audit_log (
  id           BIGSERIAL PRIMARY KEY,
  tenant_id    BIGINT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  key_id       BIGINT,
  action       TEXT NOT NULL,
  target       TEXT NOT NULL,
  status       INT NOT NULL,
  remote_addr  TEXT NOT NULL DEFAULT '',
  at           TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_tenant ON audit_log (tenant_id, id);
