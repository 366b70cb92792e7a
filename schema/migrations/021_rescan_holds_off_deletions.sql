-- Migration 020 had the rescan lock, FOR KEY SHARE, every image it writes for, so that a deletion
-- waits for its commit. At 100,000 images a 1% delta touches most of the fleet: each part wrote a
-- lock into nearly every image row (two parts at once made each a MultiXact) and then dropped what
-- it found for images deleted in between. Deletions are rare and rescans are long, so the waiting
-- moves to the deletion: each rescan part holds this lock shared from its first statement to its
-- commit, and a statement deleting images or tenants takes it exclusively before it deletes. A
-- part therefore never reads an image whose deletion has not committed, and a deletion that comes
-- later waits for the part; its cascades (migration 020's triggers) then take the part's rows too.
-- The key is the one coordinator/feeds/rescanner.cc names.
CREATE FUNCTION strata_wait_for_rescans() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('strata.rescan.parents'));
  RETURN NULL;
END
$$;
CREATE TRIGGER images_delete_waits_for_rescans BEFORE DELETE ON images
  FOR EACH STATEMENT EXECUTE FUNCTION strata_wait_for_rescans();
CREATE TRIGGER tenants_delete_waits_for_rescans BEFORE DELETE ON tenants
  FOR EACH STATEMENT EXECUTE FUNCTION strata_wait_for_rescans();
