-- The queue's search: the owners' names and the reference in one lower-cased text (SQLite's lower() folds ASCII
-- letters, as its LIKE did), computed by the engine. The queue's index carries it after its order, so a search
-- walks the index in queue order and reads a table row only for a match, not for every import it passes.
ALTER TABLE import ADD COLUMN search_text TEXT GENERATED ALWAYS AS (
    lower(coalesce(owner_names, '')) || char(31) || lower(coalesce(owner_external_id, ''))) VIRTUAL;
DROP INDEX import_organisation_created_idx;
CREATE INDEX import_organisation_created_search_idx ON import (organisation_id, created_at, import_id, search_text);
