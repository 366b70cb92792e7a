-- The cluster's vulnerability database (coordinator/feeds/pg_vuln_db.h): OSV-shaped records, an
-- index from (ecosystem key, package) to record ids, and per generation the (ecosystem key,
-- package) pairs whose records were added, changed or withdrawn, which a rescan re-matches.
CREATE TABLE feed_generations (
  generation   BIGINT PRIMARY KEY,
  imported_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  records      INT NOT NULL,   -- records added or changed
  skipped      INT NOT NULL    -- records the converters skipped, each named in the import's answer
);
CREATE TABLE feed_records (
  id              TEXT PRIMARY KEY,
  source          TEXT NOT NULL,
  record          TEXT NOT NULL,   -- OSV JSON, merged across the sources that name the id
  incoming_sha256 TEXT NOT NULL,   -- of the record as its last import converted it: unchanged → no write
  generation      BIGINT NOT NULL  -- the generation that last changed it
);
CREATE TABLE feed_affected (
  ecosystem_key TEXT NOT NULL,
  package       TEXT NOT NULL,
  id            TEXT NOT NULL REFERENCES feed_records(id) ON DELETE CASCADE,
  PRIMARY KEY (ecosystem_key, package, id)
);
CREATE INDEX feed_affected_by_id ON feed_affected (id);
CREATE TABLE feed_changes (
  generation    BIGINT NOT NULL REFERENCES feed_generations(generation) ON DELETE CASCADE,
  ecosystem_key TEXT NOT NULL,
  package       TEXT NOT NULL,
  PRIMARY KEY (generation, ecosystem_key, package)
);
