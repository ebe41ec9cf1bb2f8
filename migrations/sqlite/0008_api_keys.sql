-- API keys for the business's back-end (`/v1`). Only a SHA-256 of the key is kept; the key is shown once.
CREATE TABLE api_key (
    api_key_id       INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id  BIGINT  NOT NULL REFERENCES organisation (organisation_id),
    name             TEXT    NOT NULL,
    prefix           TEXT    NOT NULL, -- the first characters, so a key can be recognised in the list
    key_hash         TEXT    NOT NULL UNIQUE,
    created_by_email TEXT    NOT NULL,
    created_at       BIGINT  NOT NULL,
    last_used_at     BIGINT,
    revoked_at       BIGINT
);
CREATE INDEX api_key_organisation_idx ON api_key (organisation_id, api_key_id);
