-- Updates (docs/sdk.md "Updates", docs/rest-api.md): one row per update a run accepted, written in the transaction that records its
-- WorkflowUpdateAccepted event. The primary key is what applies an update id once per workflow id, whoever sends it and
-- how often; the row holds the outcome its callers wait for (the history holds it too, as WorkflowUpdateCompleted).
-- A rejected update leaves no row and no event.
CREATE TABLE workflow_updates (
    workflow_id   text        NOT NULL,
    update_id     text        NOT NULL,
    run_id        uuid        NOT NULL REFERENCES workflow_runs (run_id) ON DELETE CASCADE,
    update_name   text        NOT NULL,
    -- Accepted, then Completed or Failed
    status        text        NOT NULL,
    result        json,
    failure       json,
    accepted_at   timestamptz NOT NULL,
    completed_at  timestamptz,
    PRIMARY KEY (workflow_id, update_id)
);

-- the updates a closing run leaves unfinished (they fail with the close)
CREATE INDEX workflow_updates_unfinished ON workflow_updates (run_id) WHERE status = 'Accepted';
