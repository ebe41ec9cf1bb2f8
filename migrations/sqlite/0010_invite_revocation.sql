-- Invites can be revoked by an admin, and are voided when the member who created them is removed or demoted.
ALTER TABLE invite ADD COLUMN revoked_at BIGINT;
CREATE INDEX invite_created_by_idx ON invite (created_by);
