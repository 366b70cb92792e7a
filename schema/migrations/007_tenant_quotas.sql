-- Per-tenant quotas (issue 14). NULL takes the coordinator's default (its --quota-* flags).
-- Scans per minute count the scans table itself (hence the index); bytes pulled are the layer
-- bytes a tenant's scans had workers read, per UTC day.
ALTER TABLE tenants ADD COLUMN scans_per_minute INT CHECK (scans_per_minute >= 0);
ALTER TABLE tenants ADD COLUMN images_per_scan INT CHECK (images_per_scan >= 0);
ALTER TABLE tenants ADD COLUMN stored_images BIGINT CHECK (stored_images >= 0);
ALTER TABLE tenants ADD COLUMN bytes_pulled_per_day BIGINT CHECK (bytes_pulled_per_day >= 0);
CREATE INDEX scans_tenant_created ON scans (tenant_id, created_at);

CREATE TABLE tenant_usage (
  tenant_id     BIGINT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  day           DATE NOT NULL,
  bytes_pulled  BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, day)
);
