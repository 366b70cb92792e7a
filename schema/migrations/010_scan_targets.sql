-- Fleet targets are listed off the API's threads (issue 14, defect 8): a scan naming repositories
-- or registries is accepted at once with them here, and the coordinator lists them on threads of
-- its own, adds their images to the scan and clears this. A scan is not done while it has targets.
ALTER TABLE scans ADD COLUMN targets TEXT;  -- {"repositories": [...], "registries": [...]}
ALTER TABLE scans ADD COLUMN error TEXT;    -- why its targets could not be listed
