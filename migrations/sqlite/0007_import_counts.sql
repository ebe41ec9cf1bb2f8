-- Counts of each organisation's imports by status and by decision, kept by triggers in the same transaction as
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

CREATE TRIGGER import_count_insert AFTER INSERT ON import BEGIN
    INSERT INTO import_count (organisation_id, dimension, value, n) VALUES (NEW.organisation_id, 'status', NEW.status, 1)
        ON CONFLICT (organisation_id, dimension, value) DO UPDATE SET n = n + 1;
    INSERT INTO import_count (organisation_id, dimension, value, n) VALUES (NEW.organisation_id, 'decision', NEW.decision, 1)
        ON CONFLICT (organisation_id, dimension, value) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER import_count_status AFTER UPDATE OF status ON import WHEN OLD.status <> NEW.status BEGIN
    UPDATE import_count SET n = n - 1
        WHERE organisation_id = OLD.organisation_id AND dimension = 'status' AND value = OLD.status;
    INSERT INTO import_count (organisation_id, dimension, value, n) VALUES (NEW.organisation_id, 'status', NEW.status, 1)
        ON CONFLICT (organisation_id, dimension, value) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER import_count_decision AFTER UPDATE OF decision ON import WHEN OLD.decision <> NEW.decision BEGIN
    UPDATE import_count SET n = n - 1
        WHERE organisation_id = OLD.organisation_id AND dimension = 'decision' AND value = OLD.decision;
    INSERT INTO import_count (organisation_id, dimension, value, n) VALUES (NEW.organisation_id, 'decision', NEW.decision, 1)
        ON CONFLICT (organisation_id, dimension, value) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER import_count_delete AFTER DELETE ON import BEGIN
    UPDATE import_count SET n = n - 1
        WHERE organisation_id = OLD.organisation_id AND dimension = 'status' AND value = OLD.status;
    UPDATE import_count SET n = n - 1
        WHERE organisation_id = OLD.organisation_id AND dimension = 'decision' AND value = OLD.decision;
END;
