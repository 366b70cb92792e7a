-- Each image's report is stored once, as its report document (strata.report-document/v1,
-- common/report/report_document.h), and every format (the strata.report/v1 JSON, the inventory,
-- SARIF, CycloneDX, CSV, the table) is rendered from it when asked, instead of six texts per
-- image. Images stored before keep their pre-rendered report, inventory and image_reports rows
-- until they are scanned again, which replaces them with a document.
ALTER TABLE images ADD COLUMN document TEXT;
ALTER TABLE images ALTER COLUMN report DROP NOT NULL;
ALTER TABLE images ALTER COLUMN inventory DROP NOT NULL;
