-- What the fleet queries (GET /v1/findings and the routes after it) filter findings by, kept where
-- an index can reach it instead of in the report documents:
--   * a finding's ecosystem (the package's), in its own row;
--   * the repositories and tags that point at an image (image_refs): a tag points at one image at
--     a time, and an image keeps its repository when its tag moves on (tag '' then);
--   * the labels of the scans that stored an image (image_labels), e.g. a Kubernetes namespace;
--   * the aliases of each vulnerability id findings carry (finding_aliases: a query by any alias
--     finds the finding, whichever id the matcher chose for it).

ALTER TABLE findings ADD COLUMN ecosystem TEXT NOT NULL DEFAULT '';
UPDATE findings f SET ecosystem = p.ecosystem
  FROM images i JOIN packages p ON p.tenant_id = i.tenant_id AND p.image_digest = i.digest
  WHERE f.image_id = i.id AND p.name = f.package_name AND p.version = f.package_version
    AND p.arch = f.package_arch AND p.path = f.package_path;

-- The images list pages through a tenant's images by id.
CREATE INDEX images_tenant_id ON images (tenant_id, id);

ALTER TABLE scans ADD COLUMN labels JSONB NOT NULL DEFAULT '{}';

CREATE TABLE image_refs (
  tenant_id   BIGINT NOT NULL,
  image_id    BIGINT NOT NULL,
  repository  TEXT NOT NULL,
  tag         TEXT NOT NULL,
  PRIMARY KEY (tenant_id, repository, tag, image_id)
);
CREATE INDEX image_refs_image ON image_refs (image_id);
-- The refs the tenant's finished scans stored each image as: repository is the ref without its
-- tag or digest, the tag what followed the last ':' after the last '/'.
INSERT INTO image_refs (tenant_id, image_id, repository, tag)
  SELECT DISTINCT s.tenant_id, i.id,
         regexp_replace(split_part(s.ref, '@', 1), ':[^:/]*$', ''),
         COALESCE(substring(split_part(s.ref, '@', 1) FROM ':([^:/]*)$'), '')
  FROM scan_images s JOIN images i ON i.tenant_id = s.tenant_id AND i.digest = s.image_digest
  WHERE s.state = 'done'
  ON CONFLICT DO NOTHING;

CREATE TABLE image_labels (
  tenant_id  BIGINT NOT NULL,
  image_id   BIGINT NOT NULL,
  name       TEXT NOT NULL,
  value      TEXT NOT NULL,
  PRIMARY KEY (tenant_id, name, value, image_id)
);
CREATE INDEX image_labels_image ON image_labels (image_id);

CREATE TABLE finding_aliases (
  vuln_id  TEXT NOT NULL,
  alias    TEXT NOT NULL,
  PRIMARY KEY (alias, vuln_id)
);
CREATE INDEX finding_aliases_vuln ON finding_aliases (vuln_id);
-- From what the stored documents and the events named.
INSERT INTO finding_aliases (vuln_id, alias)
  SELECT DISTINCT k->>'id', a.alias
  FROM images i, jsonb_array_elements(i.document::jsonb->'result'->'kept') k,
       jsonb_array_elements_text(k->'aliases') a(alias)
  WHERE i.document IS NOT NULL AND jsonb_typeof(i.document::jsonb->'result'->'kept') = 'array'
    AND jsonb_typeof(k->'aliases') = 'array'
  ON CONFLICT DO NOTHING;
INSERT INTO finding_aliases (vuln_id, alias)
  SELECT DISTINCT e.vuln_id, a.alias FROM finding_events e, jsonb_array_elements_text(e.aliases::jsonb) a(alias)
  WHERE jsonb_typeof(e.aliases::jsonb) = 'array'
  ON CONFLICT DO NOTHING;

-- An image's refs and labels go with it, as its findings do.
CREATE OR REPLACE FUNCTION strata_delete_findings_of_images() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM findings f USING gone g WHERE f.image_id = g.id;
  DELETE FROM image_refs r USING gone g WHERE r.image_id = g.id;
  DELETE FROM image_labels l USING gone g WHERE l.image_id = g.id;
  RETURN NULL;
END
$$;
