-- The review workflow: decisions with their history, an append-only audit trail, team invitations.
CREATE TABLE decision (
    decision_id      INTEGER PRIMARY KEY AUTOINCREMENT,
    import_id        BIGINT  NOT NULL REFERENCES import (import_id) ON DELETE CASCADE,
    organisation_id  BIGINT  NOT NULL REFERENCES organisation (organisation_id),
    reviewer_user_id BIGINT  NOT NULL,
    reviewer_email   TEXT    NOT NULL,
    from_decision    TEXT    NOT NULL,
    to_decision      TEXT    NOT NULL CHECK (to_decision IN ('approved', 'rejected')),
    note             TEXT    NOT NULL,
    created_at       BIGINT  NOT NULL
);
CREATE INDEX decision_import_idx ON decision (import_id, created_at);

CREATE TABLE audit_event (
    audit_event_id  INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id BIGINT  NOT NULL REFERENCES organisation (organisation_id),
    actor_user_id   BIGINT,
    actor_email     TEXT,
    action          TEXT    NOT NULL,
    subject         TEXT,
    detail          TEXT    NOT NULL,
    ip              TEXT,
    created_at      BIGINT  NOT NULL
);
CREATE INDEX audit_event_organisation_idx ON audit_event (organisation_id, created_at);

CREATE TABLE invite (
    invite_id       INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id BIGINT  NOT NULL REFERENCES organisation (organisation_id),
    email           TEXT    NOT NULL,
    role            TEXT    NOT NULL CHECK (role IN ('admin', 'technician', 'reviewer', 'viewer')),
    token_hash      TEXT    NOT NULL UNIQUE,
    created_by      BIGINT  NOT NULL,
    expires_at      BIGINT  NOT NULL,
    used_at         BIGINT,
    created_at      BIGINT  NOT NULL
);

-- The review queue filters and sorts within one organisation.
CREATE INDEX import_organisation_status_idx ON import (organisation_id, status, created_at);
CREATE INDEX import_organisation_decision_idx ON import (organisation_id, decision, created_at);
CREATE INDEX import_organisation_target_idx ON import (organisation_id, target_id, created_at);
CREATE INDEX import_organisation_reference_idx ON import (organisation_id, owner_external_id);
