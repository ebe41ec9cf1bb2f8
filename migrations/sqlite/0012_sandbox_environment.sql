-- Sandbox and live: every import remembers the environment of its bank, each organisation chooses whether its
-- widget offers sandbox banks (on until it says otherwise), and the dashboard counts sandbox imports from a
-- counter kept by triggers (an import's environment never changes).
ALTER TABLE import ADD COLUMN environment TEXT NOT NULL DEFAULT 'live' CHECK (environment IN ('sandbox', 'live'));
UPDATE import SET environment = 'sandbox' WHERE target_id LIKE 'demo-%';
ALTER TABLE widget_config ADD COLUMN sandbox_banks BIGINT NOT NULL DEFAULT 1;

CREATE TABLE import_environment_count (
    organisation_id BIGINT NOT NULL REFERENCES organisation (organisation_id),
    environment     TEXT   NOT NULL,
    n               BIGINT NOT NULL,
    PRIMARY KEY (organisation_id, environment)
);
INSERT INTO import_environment_count (organisation_id, environment, n)
    SELECT organisation_id, environment, COUNT(*) FROM import GROUP BY organisation_id, environment;

CREATE TRIGGER import_environment_count_insert AFTER INSERT ON import BEGIN
    INSERT INTO import_environment_count (organisation_id, environment, n) VALUES (NEW.organisation_id, NEW.environment, 1)
        ON CONFLICT (organisation_id, environment) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER import_environment_count_delete AFTER DELETE ON import BEGIN
    UPDATE import_environment_count SET n = n - 1
        WHERE organisation_id = OLD.organisation_id AND environment = OLD.environment;
END;
