-- The fleet's aggregates, per tenant: what the summary, the images by risk, the top
-- vulnerabilities and the top layers answer from (coordinator/store/fleet_stats.h). Each of them
-- counts every open finding of the tenant, tens of millions of rows at 100,000 images, too many
-- to count on each request; so they are counted again after the findings change and read from
-- here. Whatever changes a tenant's findings (a scan storing an image, a rescan publishing
-- events, an image deleted) adds one to fleet_changes.changes as it commits; the counts are
-- stale while that is ahead of fleet_stats.counted_changes, the value they were counted after.
-- Only the counting writes fleet_stats and the tables below (one count of a tenant at a time).
CREATE TABLE fleet_changes (
  tenant_id  BIGINT PRIMARY KEY,
  changes    BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE fleet_stats (
  tenant_id        BIGINT PRIMARY KEY,
  counted_changes  BIGINT NOT NULL,
  counted_at       TIMESTAMPTZ NOT NULL,
  images           BIGINT NOT NULL,
  critical BIGINT NOT NULL DEFAULT 0, high BIGINT NOT NULL DEFAULT 0, medium BIGINT NOT NULL DEFAULT 0,
  low BIGINT NOT NULL DEFAULT 0, unknown BIGINT NOT NULL DEFAULT 0,
  fixable_critical BIGINT NOT NULL DEFAULT 0, fixable_high BIGINT NOT NULL DEFAULT 0,
  fixable_medium BIGINT NOT NULL DEFAULT 0, fixable_low BIGINT NOT NULL DEFAULT 0, fixable_unknown BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE fleet_image_counts (
  tenant_id BIGINT NOT NULL,
  image_id  BIGINT NOT NULL,
  critical INT NOT NULL, high INT NOT NULL, medium INT NOT NULL, low INT NOT NULL, unknown INT NOT NULL,
  fixable INT NOT NULL,
  PRIMARY KEY (tenant_id, image_id)
);
CREATE INDEX fleet_image_counts_risk ON fleet_image_counts
  (tenant_id, critical DESC, high DESC, medium DESC, low DESC, unknown DESC, image_id);

CREATE TABLE fleet_vulnerabilities (
  tenant_id BIGINT NOT NULL,
  vuln_id   TEXT NOT NULL,
  severity  TEXT NOT NULL,
  images    BIGINT NOT NULL,
  findings  BIGINT NOT NULL,
  fixable   BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, vuln_id)
);
CREATE INDEX fleet_vulnerabilities_top ON fleet_vulnerabilities (tenant_id, images DESC, findings DESC, vuln_id);

CREATE TABLE fleet_layers (
  tenant_id BIGINT NOT NULL,
  diff_id   TEXT NOT NULL,
  images    BIGINT NOT NULL,
  findings  BIGINT NOT NULL,
  fixable   BIGINT NOT NULL,
  critical BIGINT NOT NULL, high BIGINT NOT NULL, medium BIGINT NOT NULL, low BIGINT NOT NULL, unknown BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, diff_id)
);
CREATE INDEX fleet_layers_top ON fleet_layers (tenant_id, fixable DESC, findings DESC, diff_id);

-- The trend: each feed generation's counts as last counted while it was the newest.
CREATE TABLE fleet_trend (
  tenant_id  BIGINT NOT NULL,
  generation BIGINT NOT NULL,
  counted_at TIMESTAMPTZ NOT NULL,
  critical BIGINT NOT NULL, high BIGINT NOT NULL, medium BIGINT NOT NULL, low BIGINT NOT NULL, unknown BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, generation)
);

-- Deleting images changes their tenants' findings.
CREATE OR REPLACE FUNCTION strata_delete_findings_of_images() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM findings f USING gone g WHERE f.image_id = g.id;
  DELETE FROM image_refs r USING gone g WHERE r.image_id = g.id;
  DELETE FROM image_labels l USING gone g WHERE l.image_id = g.id;
  UPDATE fleet_changes c SET changes = changes + 1 WHERE c.tenant_id IN (SELECT DISTINCT tenant_id FROM gone);
  RETURN NULL;
END
$$;

-- A tenant's aggregates go with it.
CREATE FUNCTION strata_delete_fleet_stats_of_tenants() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM fleet_changes s USING gone g WHERE s.tenant_id = g.id;
  DELETE FROM fleet_stats s USING gone g WHERE s.tenant_id = g.id;
  DELETE FROM fleet_image_counts s USING gone g WHERE s.tenant_id = g.id;
  DELETE FROM fleet_vulnerabilities s USING gone g WHERE s.tenant_id = g.id;
  DELETE FROM fleet_layers s USING gone g WHERE s.tenant_id = g.id;
  DELETE FROM fleet_trend s USING gone g WHERE s.tenant_id = g.id;
  RETURN NULL;
END
$$;
CREATE TRIGGER tenants_delete_fleet_stats AFTER DELETE ON tenants REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION strata_delete_fleet_stats_of_tenants();
