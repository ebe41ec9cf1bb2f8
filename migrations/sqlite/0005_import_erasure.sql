-- Imported data can be erased on request (SPEC §8); the import row, its decisions and the audit trail stay.
ALTER TABLE import ADD COLUMN erased_at BIGINT;
