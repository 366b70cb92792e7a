-- A rescan reads, for each key whose findings changed, every stored package that holds it: its
-- image and the words of its finding. The rows of one key lie in as many heap pages as images
-- hold it (thousands, at random across a table as large as the fleet), and reading them was most
-- of a rescan once the fleet outgrew memory. With those columns in the index, the rows of a key
-- are adjacent index entries read without the table (an index-only scan: packages are written
-- once, so their pages stay all-visible).
DROP INDEX packages_match;
CREATE INDEX packages_match ON packages (match_ecosystem, match_package, match_version)
  INCLUDE (tenant_id, image_digest, name, version, arch, path);
