-- A finding's key leads with what it is (vulnerability, package) and ends with the image. A
-- rescan writes one vulnerability of one package into the thousands of images that hold it:
-- keyed image-first, each of those went to a leaf page of its own, read and rewritten at random
-- across an index as large as the fleet (at 100,000 images, most of a 1% delta's time); keyed
-- this way they fill a few adjacent pages. The key's prefix (tenant, vulnerability) serves the
-- lookups by vulnerability the old findings_vuln index did; an image's findings, read and
-- resolved together when it is scanned, have an index of their own, small because each image's
-- entries share one key (B-tree deduplication).
ALTER TABLE findings DROP CONSTRAINT findings_pkey;
ALTER TABLE findings ADD PRIMARY KEY (tenant_id, vuln_id, package_name, package_version, package_arch, package_path,
                                      image_digest);
DROP INDEX findings_vuln;
CREATE INDEX findings_image ON findings (tenant_id, image_digest);
