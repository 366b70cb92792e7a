-- A finding is one vulnerability in one package of one architecture. A multi-arch Debian image
-- lists libc6:amd64 and libc6:i386 at the same version in the same database file, which shared
-- one key before, so the upsert of such an image's findings failed and the image could not be
-- stored (issue 14, defect 11).
ALTER TABLE findings ADD COLUMN package_arch TEXT NOT NULL DEFAULT '';
ALTER TABLE findings DROP CONSTRAINT findings_pkey;
ALTER TABLE findings ADD PRIMARY KEY (tenant_id, image_digest, vuln_id, package_name, package_version,
                                      package_arch, package_path);
