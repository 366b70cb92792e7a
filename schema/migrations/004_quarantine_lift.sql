-- A quarantine ends: it lapses after the coordinator's --quarantine-hours, or an operator lifts it
-- (strata-coordinator quarantine lift DIFF_ID). Running coordinators see a lift within seconds by
-- polling for recent ones (issue 14, defect 4).
ALTER TABLE layers ADD COLUMN quarantine_lifted_at TIMESTAMPTZ;
