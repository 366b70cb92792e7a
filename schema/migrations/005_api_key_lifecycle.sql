-- API keys with a lifecycle (issue 14): a name to tell them apart, scopes (read: look at scans,
-- images and the audit log; scan: submit scans; admin: manage the tenant's keys, registries,
-- secret rules), an optional expiry, when the key was last used (to a minute), and the key
-- that replaced it when it was rotated. Keys made before this migration keep every scope.
ALTER TABLE api_keys ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE api_keys ADD COLUMN scopes TEXT[] NOT NULL DEFAULT '{read,scan,admin}'
  CHECK (cardinality(scopes) > 0 AND scopes <@ ARRAY['read', 'scan', 'admin']);
ALTER TABLE api_keys ADD COLUMN expires_at TIMESTAMPTZ;
ALTER TABLE api_keys ADD COLUMN last_used_at TIMESTAMPTZ;
ALTER TABLE api_keys ADD COLUMN replaced_by BIGINT REFERENCES api_keys(id);
CREATE INDEX api_keys_tenant ON api_keys (tenant_id, id);
