-- Requests of one run to another workflow (docs/sdk.md "Signalling and cancelling other workflows"): a
-- SignalExternalWorkflow or RequestCancelExternalWorkflow command writes its row in the transaction that records its
-- ExternalSignalRequested / ExternalCancelRequested event. An engine delivers it in one transaction that appends the
-- target's SignalReceived (or records its cancel request), appends the outcome to the requesting run and deletes the
-- row, so a request is delivered once whichever engine crashes when. A row left by a crash is found again by its due time.
CREATE TABLE external_requests (
    run_id              uuid        NOT NULL REFERENCES workflow_runs (run_id) ON DELETE CASCADE,
    seq                 integer     NOT NULL,
    -- Signal or Cancel
    kind                text        NOT NULL,
    target_workflow_id  text        NOT NULL,
    signal_name         text,
    input               json,
    reason              text,
    created_at          timestamptz NOT NULL,
    -- when an engine should (next) try to deliver it; moved on after a failed attempt
    due_at              timestamptz NOT NULL,
    attempts            integer     NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, seq)
);

CREATE INDEX external_requests_due ON external_requests (due_at);
