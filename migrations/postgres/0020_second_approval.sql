-- Four eyes (organisation policy, off by default): an approval by one reviewer waits on the import row until a
-- different reviewer confirms it or sends it back. The stored decision stays what it was meanwhile, so the
-- decision CHECK and the counters keep their meaning; readers see `approval_pending` while the request is open.
ALTER TABLE organisation ADD COLUMN require_second_approval BIGINT NOT NULL DEFAULT 0;
ALTER TABLE import ADD COLUMN approval_requested_by BIGINT;
ALTER TABLE import ADD COLUMN approval_requested_email TEXT;
ALTER TABLE import ADD COLUMN approval_requested_note TEXT;
ALTER TABLE import ADD COLUMN approval_requested_at BIGINT;
-- A confirmed approval names the first approver beside the second in the history.
ALTER TABLE decision ADD COLUMN first_approver_email TEXT;
CREATE INDEX import_approval_pending_idx ON import (organisation_id, approval_requested_at);
