-- Widget configuration, sign-in sessions of the widget, and imports with their data.
CREATE TABLE widget_config (
    organisation_id BIGINT  PRIMARY KEY REFERENCES organisation (organisation_id),
    auto_import     BIGINT  NOT NULL,
    months          BIGINT  NOT NULL CHECK (months BETWEEN 1 AND 24),
    locale          TEXT    NOT NULL,
    country         TEXT,
    allowed_origins TEXT    NOT NULL, -- one normalised origin per line
    updated_at      BIGINT  NOT NULL
);

-- One end user's pass through the widget. Never holds a bank password or one-time code.
CREATE TABLE signin_session (
    signin_session_id TEXT   PRIMARY KEY,
    organisation_id   BIGINT NOT NULL REFERENCES organisation (organisation_id),
    embed_origin      TEXT   NOT NULL,
    target_id         TEXT   NOT NULL,
    owner_external_id TEXT,
    locale            TEXT   NOT NULL,
    months            BIGINT NOT NULL,
    auto_import       BIGINT NOT NULL,
    state             TEXT   NOT NULL,
    challenge_token   TEXT,
    sca_failures      BIGINT NOT NULL DEFAULT 0,
    import_id         BIGINT,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);

CREATE TABLE import (
    import_id          INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id    BIGINT  NOT NULL REFERENCES organisation (organisation_id),
    signin_session_id  TEXT    NOT NULL UNIQUE,
    target_id          TEXT    NOT NULL,
    owner_external_id  TEXT,
    months_requested   BIGINT  NOT NULL,
    status             TEXT    NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'partial', 'failed')),
    progress           BIGINT  NOT NULL DEFAULT 0,
    step               TEXT    NOT NULL DEFAULT 'queued',
    error_code         TEXT,
    error_message      TEXT,
    attempts           BIGINT  NOT NULL DEFAULT 0,
    bank_session       TEXT,   -- the bank's access token, kept only while the import needs it
    run_after          BIGINT  NOT NULL,
    lease_owner        TEXT,
    lease_until        BIGINT,
    owner_names        TEXT    NOT NULL DEFAULT '',
    owners_count       BIGINT  NOT NULL DEFAULT 0,
    accounts_count     BIGINT  NOT NULL DEFAULT 0,
    transactions_count BIGINT  NOT NULL DEFAULT 0,
    decision           TEXT    NOT NULL DEFAULT 'pending' CHECK (decision IN ('pending', 'approved', 'rejected')),
    created_at         BIGINT  NOT NULL,
    started_at         BIGINT,
    finished_at        BIGINT,
    updated_at         BIGINT  NOT NULL
);
CREATE INDEX import_queue_idx ON import (status, run_after);
CREATE INDEX import_organisation_created_idx ON import (organisation_id, created_at);

CREATE TABLE import_owner (
    import_owner_id          INTEGER PRIMARY KEY AUTOINCREMENT,
    import_id                BIGINT  NOT NULL REFERENCES import (import_id) ON DELETE CASCADE,
    position                 BIGINT  NOT NULL,
    name                     TEXT    NOT NULL,
    kind                     TEXT    NOT NULL,
    address                  TEXT,
    polish_pesel             TEXT,
    polish_nip               TEXT,
    polish_regon             TEXT,
    email                    TEXT,
    phone                    TEXT,
    citizenship              TEXT,
    personal_document_type   TEXT,
    personal_document_number TEXT,
    birth_date               TEXT,
    UNIQUE (import_id, position)
);

CREATE TABLE import_account (
    import_account_id        INTEGER PRIMARY KEY AUTOINCREMENT,
    import_id                BIGINT  NOT NULL REFERENCES import (import_id) ON DELETE CASCADE,
    position                 BIGINT  NOT NULL,
    provider_id              TEXT    NOT NULL,
    name                     TEXT    NOT NULL,
    friendly_name            TEXT,
    iban                     TEXT    NOT NULL,
    currency                 TEXT    NOT NULL,
    balance_minor            BIGINT  NOT NULL,
    funds_available_minor    BIGINT  NOT NULL,
    active_since_at_least    TEXT    NOT NULL,
    owners_json              TEXT    NOT NULL,
    partial_due_to_timeout   BIGINT  NOT NULL DEFAULT 0,
    transactions_complete    BIGINT  NOT NULL DEFAULT 0,
    next_cursor              TEXT,
    transactions_count       BIGINT  NOT NULL DEFAULT 0,
    UNIQUE (import_id, provider_id)
);

CREATE TABLE import_transaction (
    import_transaction_id INTEGER PRIMARY KEY AUTOINCREMENT,
    import_account_id     BIGINT  NOT NULL REFERENCES import_account (import_account_id) ON DELETE CASCADE,
    provider_id           TEXT    NOT NULL,
    transaction_on        TEXT    NOT NULL,
    booked_on             TEXT,
    amount_minor          BIGINT  NOT NULL,
    balance_after_minor   BIGINT,
    title                 TEXT    NOT NULL,
    party                 TEXT,
    party_iban            TEXT,
    kind                  TEXT    NOT NULL,
    status                TEXT    NOT NULL,
    UNIQUE (import_account_id, provider_id)
);
CREATE INDEX import_transaction_account_date_idx ON import_transaction (import_account_id, transaction_on);
