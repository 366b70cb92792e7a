-- The cluster's store: tenants and their keys, scans and the images they name, what each image
-- holds (layers in order, packages) and what is vulnerable in it (findings, first and last seen),
-- the layer jobs and the layers that were quarantined. Every tenant-owned row carries tenant_id,
-- and the coordinator scopes every query by it. Layers and jobs are shared: a layer is the same
-- bytes whoever pushed it, and its analysis enters the cache only after both digests verified.

CREATE TABLE tenants (
  id          BIGSERIAL PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Keys are stored as their SHA-256; the key itself is shown once, when it is made.
CREATE TABLE api_keys (
  id          BIGSERIAL PRIMARY KEY,
  tenant_id   BIGINT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  key_sha256  BYTEA NOT NULL UNIQUE,
  prefix      TEXT NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  revoked_at  TIMESTAMPTZ
);

CREATE TABLE scans (
  tenant_id   BIGINT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  id          TEXT NOT NULL,
  priority    TEXT NOT NULL CHECK (priority IN ('interactive', 'bulk')),
  state       TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done')),
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  finished_at TIMESTAMPTZ,
  PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX scans_id ON scans (id);
CREATE INDEX scans_unfinished ON scans (created_at) WHERE state <> 'done';

CREATE TABLE scan_images (
  tenant_id     BIGINT NOT NULL,
  scan_id       TEXT NOT NULL,
  position      INT NOT NULL,
  ref           TEXT NOT NULL,
  state         TEXT NOT NULL CHECK (state IN ('queued', 'analyzing', 'done', 'failed')),
  image_digest  TEXT,
  layers_total  INT NOT NULL DEFAULT 0,
  layers_cached INT NOT NULL DEFAULT 0,
  error         TEXT,
  finished_at   TIMESTAMPTZ,
  PRIMARY KEY (tenant_id, scan_id, position),
  FOREIGN KEY (tenant_id, scan_id) REFERENCES scans(tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE images (
  tenant_id      BIGINT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  digest         TEXT NOT NULL,
  ref            TEXT NOT NULL,
  config_digest  TEXT NOT NULL,
  os             TEXT NOT NULL,
  arch           TEXT NOT NULL,
  distro         TEXT,
  db_generation  BIGINT NOT NULL,
  report         TEXT NOT NULL,   -- the strata.report/v1 document, byte for byte
  inventory      TEXT NOT NULL,   -- the strata inventory document, byte for byte
  first_scanned  TIMESTAMPTZ NOT NULL DEFAULT now(),
  last_scanned   TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, digest)
);

CREATE TABLE layers (
  diff_id         TEXT PRIMARY KEY,
  digest          TEXT NOT NULL,
  size            BIGINT NOT NULL,
  media_type      TEXT NOT NULL,
  failures        INT NOT NULL DEFAULT 0,
  last_error      TEXT,
  quarantined_at  TIMESTAMPTZ
);

CREATE TABLE image_layers (
  tenant_id     BIGINT NOT NULL,
  image_digest  TEXT NOT NULL,
  position      INT NOT NULL,
  diff_id       TEXT NOT NULL,
  digest        TEXT NOT NULL,
  PRIMARY KEY (tenant_id, image_digest, position),
  FOREIGN KEY (tenant_id, image_digest) REFERENCES images(tenant_id, digest) ON DELETE CASCADE
);
CREATE INDEX image_layers_diff_id ON image_layers (diff_id);

CREATE TABLE packages (
  tenant_id       BIGINT NOT NULL,
  image_digest    TEXT NOT NULL,
  ecosystem       TEXT NOT NULL,
  name            TEXT NOT NULL,
  version         TEXT NOT NULL,
  source_name     TEXT NOT NULL,
  source_version  TEXT NOT NULL,
  arch            TEXT NOT NULL,
  path            TEXT NOT NULL,
  layer           TEXT NOT NULL,
  purl            TEXT NOT NULL,
  FOREIGN KEY (tenant_id, image_digest) REFERENCES images(tenant_id, digest) ON DELETE CASCADE
);
CREATE INDEX packages_image ON packages (tenant_id, image_digest);
CREATE INDEX packages_name ON packages (tenant_id, ecosystem, name);

CREATE TABLE findings (
  tenant_id          BIGINT NOT NULL,
  image_digest       TEXT NOT NULL,
  vuln_id            TEXT NOT NULL,
  package_name       TEXT NOT NULL,
  package_version    TEXT NOT NULL,
  package_path       TEXT NOT NULL,
  installed_version  TEXT NOT NULL,
  fixed_version      TEXT,
  severity           TEXT NOT NULL,
  cvss_score         DOUBLE PRECISION,
  db_generation      BIGINT NOT NULL,
  first_seen         TIMESTAMPTZ NOT NULL DEFAULT now(),
  last_seen          TIMESTAMPTZ NOT NULL DEFAULT now(),
  resolved_at        TIMESTAMPTZ,     -- set when a later scan no longer finds it
  PRIMARY KEY (tenant_id, image_digest, vuln_id, package_name, package_version, package_path),
  FOREIGN KEY (tenant_id, image_digest) REFERENCES images(tenant_id, digest) ON DELETE CASCADE
);
CREATE INDEX findings_vuln ON findings (tenant_id, vuln_id);

CREATE TABLE jobs (
  id           BIGINT PRIMARY KEY,
  diff_id      TEXT NOT NULL,
  digest       TEXT NOT NULL,
  state        TEXT NOT NULL CHECK (state IN ('queued', 'leased', 'done', 'failed', 'quarantined')),
  attempts     INT NOT NULL DEFAULT 0,
  worker       TEXT,
  last_error   TEXT,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX jobs_open ON jobs (state) WHERE state IN ('queued', 'leased');
