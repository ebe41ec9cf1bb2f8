-- The analysis is computed once when an import ends, so the application page reads it instead of scanning
-- every transaction on each visit.
ALTER TABLE import ADD COLUMN analysis_json TEXT;
