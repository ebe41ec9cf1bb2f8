-- Start-up (and `insight audit verify`) looks for entries without a hash, to chain those from before 0013:
-- a partial index keeps that a lookup in an empty index instead of a scan of the whole trail.
CREATE INDEX audit_event_unchained_idx ON audit_event (organisation_id) WHERE hash IS NULL;
