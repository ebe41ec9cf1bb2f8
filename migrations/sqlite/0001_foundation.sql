-- Organisations (businesses) and their portal users. Instants are unix milliseconds.
CREATE TABLE organisation (
    organisation_id INTEGER PRIMARY KEY AUTOINCREMENT,
    name            TEXT    NOT NULL,
    client_id       TEXT    NOT NULL UNIQUE,
    signing_secret  TEXT    NOT NULL,
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL
);

CREATE TABLE app_user (
    app_user_id     INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id BIGINT  NOT NULL REFERENCES organisation (organisation_id),
    email           TEXT    NOT NULL UNIQUE, -- stored lower-cased, so unique case-insensitively
    password_hash   TEXT    NOT NULL,
    role            TEXT    NOT NULL CHECK (role IN ('admin', 'technician', 'reviewer', 'viewer')),
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL
);
CREATE INDEX app_user_organisation_idx ON app_user (organisation_id);
