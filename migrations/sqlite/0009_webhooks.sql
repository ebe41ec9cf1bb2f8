-- Webhooks: the business's endpoints, an outbox of messages written in the same transaction as the change
-- they describe, and every delivery attempt (the delivery log).
CREATE TABLE webhook_endpoint (
    webhook_endpoint_id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id     BIGINT  NOT NULL REFERENCES organisation (organisation_id),
    url                 TEXT    NOT NULL,
    events              TEXT    NOT NULL, -- space-separated event types, with a space before and after
    secret              TEXT    NOT NULL, -- whsec_…, needed to sign; shown once
    created_by_email    TEXT    NOT NULL,
    created_at          BIGINT  NOT NULL,
    removed_at          BIGINT
);
CREATE INDEX webhook_endpoint_organisation_idx ON webhook_endpoint (organisation_id, webhook_endpoint_id);

CREATE TABLE webhook_message (
    webhook_message_id  INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id     BIGINT  NOT NULL REFERENCES organisation (organisation_id),
    webhook_endpoint_id BIGINT  NOT NULL REFERENCES webhook_endpoint (webhook_endpoint_id),
    event_id            TEXT    NOT NULL, -- the webhook-id header: the same on every attempt and redelivery
    event_type          TEXT    NOT NULL,
    payload             TEXT    NOT NULL, -- the exact body that is signed and sent
    status              TEXT    NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts            BIGINT  NOT NULL DEFAULT 0,
    next_attempt_at     BIGINT  NOT NULL,
    lease_until         BIGINT,
    created_at          BIGINT  NOT NULL,
    delivered_at        BIGINT,
    UNIQUE (webhook_endpoint_id, event_id)
);
CREATE INDEX webhook_message_due_idx ON webhook_message (status, next_attempt_at);
CREATE INDEX webhook_message_endpoint_idx ON webhook_message (webhook_endpoint_id, webhook_message_id);

CREATE TABLE webhook_attempt (
    webhook_attempt_id  INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook_message_id  BIGINT  NOT NULL REFERENCES webhook_message (webhook_message_id),
    attempted_at        BIGINT  NOT NULL,
    status_code         BIGINT, -- absent when no answer came (refused, timeout)
    latency_ms          BIGINT  NOT NULL,
    response_excerpt    TEXT    NOT NULL -- the first 1 KB of the answer, or why there was none
);
CREATE INDEX webhook_attempt_message_idx ON webhook_attempt (webhook_message_id, webhook_attempt_id);
