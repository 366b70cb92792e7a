-- Each stored image's report in the other formats `strata image` writes, rendered when the image
-- is stored, so that the API serves them byte for byte as `strata image --format F` prints them.
CREATE TABLE image_reports (
  tenant_id     BIGINT NOT NULL,
  image_digest  TEXT NOT NULL,
  format        TEXT NOT NULL CHECK (format IN ('sarif', 'cyclonedx', 'csv', 'table')),
  body          TEXT NOT NULL,
  PRIMARY KEY (tenant_id, image_digest, format),
  FOREIGN KEY (tenant_id, image_digest) REFERENCES images(tenant_id, digest) ON DELETE CASCADE
);
