-- The queue's search: the owners' names and the reference in one lower-cased text, computed by the engine
-- (stored: PostgreSQL has no virtual generated columns before 18). One strpos() per row instead of two
-- LOWER() … LIKE; its selectivity estimate lets the planner walk the queue's index in order until a page is full.
ALTER TABLE import ADD COLUMN search_text TEXT GENERATED ALWAYS AS (
    lower(coalesce(owner_names, '')) || chr(31) || lower(coalesce(owner_external_id, ''))) STORED;
