-- Schedules (docs/triggers.md): what a user asked for (spec, action, policy as the REST API takes them), and the
-- cursor the engines advance. Any engine fires a due schedule: it locks the row (FOR UPDATE SKIP LOCKED), starts the
-- run of one scheduled time and moves the cursor past that time in one transaction, so a time fires at most once.
CREATE TABLE schedules (
    schedule_id           text        PRIMARY KEY,
    spec                  json        NOT NULL,
    action                json        NOT NULL,
    policy                json        NOT NULL,
    paused                boolean     NOT NULL DEFAULT false,
    note                  text,
    -- scheduled fires still allowed; NULL: no limit
    remaining_actions     bigint,
    -- every scheduled (nominal) time up to and including this one has been handled
    cursor_at             timestamptz NOT NULL,
    -- when the first time after the cursor is due (its jitter added); NULL: none left (end reached, no actions left)
    next_fire_at          timestamptz,
    -- scheduled times held back by BufferOne / BufferAll / CancelOther until the running workflows closed
    buffered              timestamptz[] NOT NULL DEFAULT '{}',
    -- backfills not yet done: [{"next","endAt","overlap"}]
    backfills             json        NOT NULL DEFAULT '[]',
    action_count          bigint      NOT NULL DEFAULT 0,
    missed_catchup_window bigint      NOT NULL DEFAULT 0,
    overlap_skipped       bigint      NOT NULL DEFAULT 0,
    created_at            timestamptz NOT NULL,
    updated_at            timestamptz NOT NULL
);

CREATE INDEX schedules_due ON schedules (next_fire_at) WHERE NOT paused;

-- One row per scheduled time that was acted on: its primary key is the last line against firing a time twice
-- (a scheduled time, a trigger or a backfill of the same time). `done`: its workflow is known closed (or never started).
CREATE TABLE schedule_actions (
    schedule_id   text        NOT NULL REFERENCES schedules (schedule_id) ON DELETE CASCADE,
    scheduled_at  timestamptz NOT NULL,
    actual_at     timestamptz NOT NULL,
    workflow_id   text        NOT NULL,
    run_id        uuid,
    kind          text        NOT NULL,
    fired_by      text        NOT NULL,
    done          boolean     NOT NULL DEFAULT false,
    PRIMARY KEY (schedule_id, scheduled_at)
);

CREATE INDEX schedule_actions_open ON schedule_actions (schedule_id) WHERE NOT done;
CREATE INDEX schedule_actions_recent ON schedule_actions (schedule_id, actual_at DESC);
