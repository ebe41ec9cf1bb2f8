-- Counts of each organisation's imports by status and by decision, kept by a trigger in the same transaction as
-- every change, so the dashboard reads a handful of rows instead of counting every import on each view.
CREATE TABLE import_count (
    organisation_id BIGINT NOT NULL REFERENCES organisation (organisation_id),
    dimension       TEXT   NOT NULL CHECK (dimension IN ('status', 'decision')),
    value           TEXT   NOT NULL,
    n               BIGINT NOT NULL,
    PRIMARY KEY (organisation_id, dimension, value)
);

INSERT INTO import_count (organisation_id, dimension, value, n)
    SELECT organisation_id, 'status', status, COUNT(*) FROM import GROUP BY organisation_id, status;
INSERT INTO import_count (organisation_id, dimension, value, n)
    SELECT organisation_id, 'decision', decision, COUNT(*) FROM import GROUP BY organisation_id, decision;

CREATE FUNCTION import_count_bump(org BIGINT, dim TEXT, val TEXT, delta BIGINT) RETURNS void AS $$
    INSERT INTO import_count (organisation_id, dimension, value, n) VALUES (org, dim, val, delta)
    ON CONFLICT (organisation_id, dimension, value) DO UPDATE SET n = import_count.n + EXCLUDED.n;
$$ LANGUAGE sql;

CREATE FUNCTION import_count_track() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        IF TG_OP = 'DELETE' OR OLD.status IS DISTINCT FROM NEW.status THEN
            PERFORM import_count_bump(OLD.organisation_id, 'status', OLD.status, -1);
        END IF;
        IF TG_OP = 'DELETE' OR OLD.decision IS DISTINCT FROM NEW.decision THEN
            PERFORM import_count_bump(OLD.organisation_id, 'decision', OLD.decision, -1);
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        IF TG_OP = 'INSERT' OR OLD.status IS DISTINCT FROM NEW.status THEN
            PERFORM import_count_bump(NEW.organisation_id, 'status', NEW.status, 1);
        END IF;
        IF TG_OP = 'INSERT' OR OLD.decision IS DISTINCT FROM NEW.decision THEN
            PERFORM import_count_bump(NEW.organisation_id, 'decision', NEW.decision, 1);
        END IF;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER import_count_track AFTER INSERT OR UPDATE OF status, decision OR DELETE ON import
    FOR EACH ROW EXECUTE FUNCTION import_count_track();

-- Keyset pages compare (sort key, id) row values; PostgreSQL walks an index only when it holds both (SQLite's
-- indexes end with the rowid already).
DROP INDEX import_transaction_account_date_idx;
CREATE INDEX import_transaction_account_date_idx ON import_transaction (import_account_id, transaction_on, import_transaction_id);
DROP INDEX import_organisation_created_idx;
CREATE INDEX import_organisation_created_idx ON import (organisation_id, created_at, import_id);
DROP INDEX import_organisation_status_idx;
CREATE INDEX import_organisation_status_idx ON import (organisation_id, status, created_at, import_id);
DROP INDEX import_organisation_decision_idx;
CREATE INDEX import_organisation_decision_idx ON import (organisation_id, decision, created_at, import_id);
