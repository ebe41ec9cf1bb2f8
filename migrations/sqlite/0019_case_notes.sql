-- The case around an application: who is on it, and the reviewers' notes (kept, like decisions, when the
-- imported data is erased: they are the team's own record).
ALTER TABLE import ADD COLUMN assignee_user_id BIGINT;
ALTER TABLE import ADD COLUMN assignee_email TEXT;
CREATE TABLE application_note (
    note_id         INTEGER PRIMARY KEY AUTOINCREMENT,
    import_id       BIGINT  NOT NULL REFERENCES import (import_id) ON DELETE CASCADE,
    organisation_id BIGINT  NOT NULL REFERENCES organisation (organisation_id),
    author_user_id  BIGINT  NOT NULL,
    author_email    TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    created_at      BIGINT  NOT NULL
);
CREATE INDEX application_note_import_idx ON application_note (import_id, created_at);
