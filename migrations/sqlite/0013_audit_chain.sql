-- A tamper-evident audit trail: each entry stores the hash of its organisation's previous entry and its own
-- hash over that and its content (computed by Insight: SHA-256 is not SQL in SQLite). The head row per
-- organisation serialises appends (it is locked by the upsert that reads it) and remembers the last hash, so a
-- removed tail shows too. Entries written before this migration are chained once, in id order, at start-up.
ALTER TABLE audit_event ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_event ADD COLUMN hash TEXT;

CREATE TABLE audit_chain_head (
    organisation_id BIGINT PRIMARY KEY REFERENCES organisation (organisation_id),
    last_hash       TEXT   NOT NULL,
    last_event_id   BIGINT
);
