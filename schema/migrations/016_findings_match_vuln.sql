-- A rescan reads the open findings of the (key, vulnerability) pairs whose findings differ. Keyed
-- without the vulnerability, the index gave every open finding of the key (each of its
-- vulnerabilities, in every image that holds it) and each was read from the table only to be
-- dropped for another vulnerability id; a key with forty findings and one new record read forty
-- times the rows it needed. With the id in the key, the index gives exactly those findings.
DROP INDEX findings_match;
CREATE INDEX findings_match ON findings (match_ecosystem, match_package, installed_version, vuln_id)
  WHERE resolved_at IS NULL;
