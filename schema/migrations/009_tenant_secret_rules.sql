-- A tenant's own secret rules (gitleaks TOML, as `strata image --secret-config` reads), used for
-- that tenant's scans in place of the built-in rules. The digest names the rule set in job and
-- layer cache keys: layers scanned with other rules are never shared.
CREATE TABLE tenant_secret_rules (
  tenant_id   BIGINT PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
  rules       TEXT NOT NULL,
  digest      TEXT NOT NULL,
  updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
