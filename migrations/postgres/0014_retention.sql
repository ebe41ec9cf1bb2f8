-- Retention: each organisation keeps imported bank data for a number of days; a background job erases older
-- imports' data (the summary row, decisions and audit trail stay) and says why. maintenance_run lets one
-- instance at a time run a periodic job, once per period, however many instances share the database.
ALTER TABLE organisation ADD COLUMN retention_days BIGINT NOT NULL DEFAULT 180 CHECK (retention_days BETWEEN 1 AND 3650);
ALTER TABLE import ADD COLUMN erased_reason TEXT CHECK (erased_reason IN ('request', 'retention'));
UPDATE import SET erased_reason = 'request' WHERE erased_at IS NOT NULL;

CREATE TABLE maintenance_run (
    job         TEXT   PRIMARY KEY,
    lease_until BIGINT NOT NULL,
    last_run_at BIGINT NOT NULL
);
-- Ended sign-in sessions are deleted a day after their last step.
CREATE INDEX signin_session_updated_idx ON signin_session (updated_at);
