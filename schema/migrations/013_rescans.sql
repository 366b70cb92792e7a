-- Rescans after feed updates (coordinator/feeds/rescanner.h). A stored package carries the key
-- it is matched by — the ecosystem key (with the distro namespace for OS packages), the package
-- name as the feeds spell it, the version compared — so that a generation's changed (ecosystem
-- key, package) pairs find exactly the packages, and the findings, they can change. Rows stored
-- before this migration have no key; the rescanner computes theirs from the image's document.
ALTER TABLE packages ADD COLUMN match_ecosystem TEXT;
ALTER TABLE packages ADD COLUMN match_package TEXT;
ALTER TABLE packages ADD COLUMN match_version TEXT;
CREATE INDEX packages_match ON packages (match_ecosystem, match_package, match_version);

-- Every distinct key stored packages have (never pruned: a key no image holds any more costs a
-- rescan one match, nothing else). A rescan matches each key of a changed pair once, from here,
-- instead of reading every package row that holds it.
CREATE TABLE package_keys (
  match_ecosystem TEXT NOT NULL,
  match_package   TEXT NOT NULL,
  match_version   TEXT NOT NULL,
  PRIMARY KEY (match_ecosystem, match_package, match_version)
);

-- What an import replaced: the record as it was before `generation` changed it (NULL: it did not
-- exist). A rescan matches each key against the records before and after its generations, and
-- only keys whose findings differ touch the images that hold them. Pruned once rescanned.
CREATE TABLE feed_record_history (
  generation  BIGINT NOT NULL,
  id          TEXT NOT NULL,
  record      TEXT,
  PRIMARY KEY (generation, id)
);

ALTER TABLE findings ADD COLUMN match_ecosystem TEXT;
ALTER TABLE findings ADD COLUMN match_package TEXT;
ALTER TABLE findings ADD COLUMN aliases TEXT NOT NULL DEFAULT '[]';  -- JSON array, for events
CREATE INDEX findings_match ON findings (match_ecosystem, match_package, installed_version) WHERE resolved_at IS NULL;

-- The analyzer set an image's inventory came from: a rescan re-matches only images of the
-- coordinator's own set and queues the others for analysis again. document_stale: a rescan
-- changed the image's findings; its document is assessed again in the background (and on read).
ALTER TABLE images ADD COLUMN analyzer_set TEXT;
ALTER TABLE images ADD COLUMN document_stale BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE images ADD COLUMN reanalysis_scan TEXT;  -- the bulk scan that analyses it again, once
CREATE INDEX images_document_stale ON images (tenant_id, digest) WHERE document_stale;

-- One rescan brings the findings from generation `since` (exclusive) to `generation`. Chunks of
-- changed pairs commit one at a time with `pairs_done`, so a rescan cut short (a killed
-- coordinator, a restarted PostgreSQL) resumes at its next chunk with the same pairs.
CREATE TABLE rescans (
  generation         BIGINT PRIMARY KEY,
  since              BIGINT NOT NULL,
  state              TEXT NOT NULL CHECK (state IN ('running', 'done')),
  pairs_total        INT NOT NULL,
  pairs_done         INT NOT NULL DEFAULT 0,
  findings_new       BIGINT NOT NULL DEFAULT 0,
  findings_resolved  BIGINT NOT NULL DEFAULT 0,
  findings_changed   BIGINT NOT NULL DEFAULT 0,
  images_requeued    BIGINT NOT NULL DEFAULT 0,
  started_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
  finished_at        TIMESTAMPTZ
);

-- What changed for each tenant, in order: the cursor of GET /v1/events and of every webhook.
CREATE TABLE finding_events (
  id                 BIGSERIAL PRIMARY KEY,
  tenant_id          BIGINT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  kind               TEXT NOT NULL CHECK (kind IN ('finding.new', 'finding.resolved', 'finding.changed')),
  generation         BIGINT NOT NULL,
  image_digest       TEXT NOT NULL,
  vuln_id            TEXT NOT NULL,
  aliases            TEXT NOT NULL,   -- JSON array
  package_name       TEXT NOT NULL,
  package_version    TEXT NOT NULL,
  package_arch       TEXT NOT NULL,
  package_path       TEXT NOT NULL,
  installed_version  TEXT NOT NULL,
  fixed_version      TEXT,
  severity           TEXT NOT NULL,
  previous_severity  TEXT,            -- finding.changed: what it was
  previous_fixed     TEXT,
  created_at         TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX finding_events_tenant ON finding_events (tenant_id, id);

-- The refs an event names: the refs of the tenant's scans that stored the image.
CREATE INDEX scan_images_digest ON scan_images (tenant_id, image_digest) WHERE state = 'done';
