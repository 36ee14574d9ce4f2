-- Triggers (docs/triggers.md): bindings from incoming events (CloudEvents over HTTP or RabbitMQ, MassTransit messages)
-- to an action (start, signal, signal-with-start). `definition` is the REST body as stored (defaults filled in); the
-- columns beside it are what events are matched by. A webhook secret is kept only as its reference (file:, env:).
CREATE TABLE triggers (
    trigger_id     text        PRIMARY KEY,
    source_kind    text        NOT NULL,
    -- the CloudEvents type, or the MassTransit message type URN
    event_type     text        NOT NULL,
    -- the CloudEvents source it matches; NULL: any
    event_source   text,
    definition     json        NOT NULL,
    deduplicated   bigint      NOT NULL DEFAULT 0,
    dead_lettered  bigint      NOT NULL DEFAULT 0,
    last_error     text,
    last_error_at  timestamptz,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL
);

CREATE INDEX triggers_match ON triggers (source_kind, event_type);

-- One row per event a trigger acted on, written in the transaction of its start or signal: the primary key is what
-- makes an event (by source and id) start or signal at most once per trigger, whoever delivers it and how often.
CREATE TABLE trigger_deliveries (
    trigger_id    text        NOT NULL REFERENCES triggers (trigger_id) ON DELETE CASCADE,
    event_source  text        NOT NULL,
    event_id      text        NOT NULL,
    workflow_id   text        NOT NULL,
    delivered_at  timestamptz NOT NULL,
    PRIMARY KEY (trigger_id, event_source, event_id)
);

-- the pruning of claims older than the deduplication window (Orchestrator:Engine:TriggerDeduplicationWindow)
CREATE INDEX trigger_deliveries_age ON trigger_deliveries (delivered_at);
