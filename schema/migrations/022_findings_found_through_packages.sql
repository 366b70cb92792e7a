-- A rescan now finds the stored findings of a (key, vulnerability) through the packages that hold
-- the key (it reads those anyway, for what matching finds now), each one looked up by the
-- findings' primary key. The index by key and vulnerability served only that lookup, and every
-- finding a scan or a rescan inserted paid an entry in it: at 100,000 images, hundreds of
-- thousands of entries per feed delta.
DROP INDEX findings_match;

-- What the index was keyed by, and a vulnerability's aliases: the same in every finding of the
-- vulnerability (an event takes them from the match that made it). A third of each row.
ALTER TABLE findings DROP COLUMN match_ecosystem, DROP COLUMN match_package, DROP COLUMN aliases;
