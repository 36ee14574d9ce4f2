-- Batch operations (docs/visibility.md "Batch operations"): cancel, terminate or signal every open run matching a list
-- query. The targets are fixed when the batch is created: one INSERT ... SELECT copies the matching open runs into
-- batch_items in the transaction that creates the batch, so runs started later are not part of it. An engine works a
-- batch under a lease (lease_owner, lease_expires_at); each item is acted on in one transaction that locks its row
-- (FOR UPDATE SKIP LOCKED), applies the action to the run, marks the item and counts it on the batch, so a crash before
-- the commit leaves the item pending and after it done: each run is acted on once, whichever engine dies when.
CREATE TABLE batches (
    batch_id          uuid        PRIMARY KEY,
    -- cancel, terminate or signal
    operation         text        NOT NULL,
    -- the list query as given (its targets are in batch_items)
    query             text        NOT NULL,
    signal_name       text,
    input             json,
    reason            text,
    max_per_second    integer     NOT NULL,
    -- Running, Completed (every item acted on), Canceled (by a client; pending items are left)
    state             text        NOT NULL,
    total             bigint      NOT NULL DEFAULT 0,
    done              bigint      NOT NULL DEFAULT 0,
    failed            bigint      NOT NULL DEFAULT 0,
    created_at        timestamptz NOT NULL,
    closed_at         timestamptz,
    -- the engine working the batch, until when (renewed with each item); a lease that ran out is taken by another engine
    lease_owner       text,
    lease_expires_at  timestamptz,
    CONSTRAINT batches_operation_check CHECK (operation IN ('cancel', 'terminate', 'signal')),
    CONSTRAINT batches_state_check CHECK (state IN ('Running', 'Completed', 'Canceled')),
    CONSTRAINT batches_signal_check CHECK ((operation = 'signal') = (signal_name IS NOT NULL))
);

-- The batches an engine may take (few at a time; closed batches are left out).
CREATE INDEX batches_running ON batches (created_at) WHERE state = 'Running';

-- The targets of a batch, in the query's order (seq). No foreign key to workflow_runs: a run deleted meanwhile (retention)
-- is a failed item, and deleting a run does not rewrite a batch's record.
CREATE TABLE batch_items (
    batch_id     uuid        NOT NULL REFERENCES batches (batch_id) ON DELETE CASCADE,
    seq          bigint      NOT NULL,
    run_id       uuid        NOT NULL,
    workflow_id  text        NOT NULL,
    -- Pending, Done or Failed (with the reason in detail)
    state        text        NOT NULL DEFAULT 'Pending',
    detail       text,
    acted_at     timestamptz,
    PRIMARY KEY (batch_id, seq),
    CONSTRAINT batch_items_state_check CHECK (state IN ('Pending', 'Done', 'Failed'))
);

-- The next pending item of a batch without reading past the done ones; and the failures a describe lists.
CREATE INDEX batch_items_pending ON batch_items (batch_id, seq) WHERE state = 'Pending';
CREATE INDEX batch_items_failed ON batch_items (batch_id, seq) WHERE state = 'Failed';
