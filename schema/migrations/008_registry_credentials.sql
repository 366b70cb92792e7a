-- Registry credentials a tenant stored (POST /v1/registries), used only for that tenant's scans.
-- Sealed with libsodium's crypto_secretbox under the operator's credentials key: the box holds
-- the tenant id, the registry, the username and the password, so that a box copied into another
-- tenant's row does not open for it. Nothing of the credential is stored in clear.
CREATE TABLE registry_credentials (
  tenant_id   BIGINT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  registry    TEXT NOT NULL,   -- the registry's API host[:port]
  sealed      BYTEA NOT NULL,  -- nonce || box
  key_id      TEXT NOT NULL,   -- which credentials key sealed it
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, registry)
);
