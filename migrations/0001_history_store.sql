-- Orchestrator history store: runs, their append-only histories, and the dispatcher's tables.
-- Payloads are stored as `json` (text kept byte for byte, validated by the server, readable in psql).

CREATE TABLE workflow_runs (
    run_id              uuid        PRIMARY KEY,
    workflow_id         text        NOT NULL,
    workflow_type       text        NOT NULL,
    task_queue          text        NOT NULL,
    status              text        NOT NULL,
    input               json,
    result              json,
    failure             json,
    started_at          timestamptz NOT NULL,
    closed_at           timestamptz,
    previous_run_id     uuid,
    next_run_id         uuid,
    parent_workflow_id  text,
    parent_run_id       uuid,
    trace_parent        text,
    cancel_requested    boolean     NOT NULL DEFAULT false,
    -- optimistic concurrency: the id the next appended event gets (1 + the last event id)
    next_event_id       bigint      NOT NULL DEFAULT 1,
    CONSTRAINT workflow_runs_status_check CHECK (status IN
        ('Running', 'Completed', 'Failed', 'Canceled', 'Terminated', 'ContinuedAsNew', 'TimedOut'))
);

-- at most one open run per workflow id
CREATE UNIQUE INDEX workflow_runs_open_id ON workflow_runs (workflow_id) WHERE status = 'Running';
CREATE INDEX workflow_runs_by_id ON workflow_runs (workflow_id, started_at DESC);
CREATE INDEX workflow_runs_by_start ON workflow_runs (started_at DESC, run_id DESC);
CREATE INDEX workflow_runs_by_status ON workflow_runs (status, started_at DESC, run_id DESC);

CREATE TABLE history_events (
    run_id      uuid        NOT NULL REFERENCES workflow_runs (run_id) ON DELETE CASCADE,
    event_id    bigint      NOT NULL,
    event_type  text        NOT NULL,
    "timestamp" timestamptz NOT NULL,
    attributes  json        NOT NULL,
    PRIMARY KEY (run_id, event_id),
    CONSTRAINT history_events_id_positive CHECK (event_id >= 1)
);

-- The workflow task state of an open run (one row per open run). `idle`: no task open; `scheduled`: a task
-- waits to be sent at dispatch_after (retry back-off); `dispatched`: sent, sent again at dispatch_after if no
-- answer came by then.
CREATE TABLE workflow_tasks (
    run_id              uuid        PRIMARY KEY REFERENCES workflow_runs (run_id) ON DELETE CASCADE,
    scheduled_event_id  bigint      NOT NULL,
    attempt             int         NOT NULL DEFAULT 1,
    task_queue          text        NOT NULL,
    -- the task's message carries the events from this id on (after the previous completed task)
    events_from         bigint      NOT NULL,
    state               text        NOT NULL,
    dispatch_after      timestamptz NOT NULL,
    last_failure        json
);
CREATE INDEX workflow_tasks_due ON workflow_tasks (dispatch_after) WHERE state <> 'idle';

-- Events that arrived while a workflow task was in flight; appended after that task's answer.
CREATE TABLE buffered_events (
    id          bigserial   PRIMARY KEY,
    run_id      uuid        NOT NULL REFERENCES workflow_runs (run_id) ON DELETE CASCADE,
    event_type  text        NOT NULL,
    attributes  json        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX buffered_events_run ON buffered_events (run_id, id);

-- Activities scheduled and not yet closed. The token of an attempt is (run_id, scheduled_event_id, attempt).
CREATE TABLE activity_tasks (
    run_id                  uuid        NOT NULL REFERENCES workflow_runs (run_id) ON DELETE CASCADE,
    scheduled_event_id      bigint      NOT NULL,
    seq                     int         NOT NULL,
    activity_name           text        NOT NULL,
    task_queue              text        NOT NULL,
    input                   json,
    options                 json        NOT NULL,
    attempt                 int         NOT NULL DEFAULT 1,
    -- 'scheduled': send at dispatch_after (first attempt or retry back-off); 'dispatched': running, timed out at dispatch_after
    state                   text        NOT NULL,
    scheduled_at            timestamptz NOT NULL,
    started_at              timestamptz,
    dispatch_after          timestamptz NOT NULL,
    heartbeat_details       json,
    heartbeat_at            timestamptz,
    last_failure            json,
    PRIMARY KEY (run_id, scheduled_event_id)
);
CREATE INDEX activity_tasks_due ON activity_tasks (dispatch_after);

-- Durable timers (workflow timers and retry back-offs); fired by the engine when due.
CREATE TABLE timers (
    run_id              uuid        NOT NULL REFERENCES workflow_runs (run_id) ON DELETE CASCADE,
    timer_key           text        NOT NULL,
    fire_at             timestamptz NOT NULL,
    payload             json,
    PRIMARY KEY (run_id, timer_key)
);
CREATE INDEX timers_due ON timers (fire_at);

-- Transactional outbox: messages written with the state change, published to RabbitMQ by the relay,
-- deleted once the broker confirmed them.
CREATE TABLE outbox (
    id          bigserial   PRIMARY KEY,
    destination text        NOT NULL,
    message_type text       NOT NULL,
    message     json        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
