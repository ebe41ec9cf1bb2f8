-- Two-factor sign-in (TOTP, RFC 6238). Secrets are stored encrypted (ChaCha20-Poly1305 with the instance's
-- key, bound to the user id); the last used time step blocks replays; recovery codes are stored as hashes.
ALTER TABLE app_user ADD COLUMN totp_secret TEXT;
ALTER TABLE app_user ADD COLUMN totp_pending TEXT;
ALTER TABLE app_user ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;
ALTER TABLE organisation ADD COLUMN require_two_factor BIGINT NOT NULL DEFAULT 0;

CREATE TABLE recovery_code (
    app_user_id BIGINT NOT NULL REFERENCES app_user (app_user_id) ON DELETE CASCADE,
    code_hash   TEXT   NOT NULL,
    used_at     BIGINT,
    PRIMARY KEY (app_user_id, code_hash)
);
