-- Wrong bank passwords within one sign-in session are counted, like wrong one-time codes, so a session cannot
-- be used to guess a bank password.
ALTER TABLE signin_session ADD COLUMN credential_failures BIGINT NOT NULL DEFAULT 0;
