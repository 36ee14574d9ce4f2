-- Runs in creation order: the latest run of a workflow id is the one created last. started_at is the clock of the engine
-- that wrote it, and engines' clocks may differ, so it cannot order runs. Existing runs are numbered by started_at.
CREATE SEQUENCE workflow_runs_created_seq AS bigint;
ALTER TABLE workflow_runs ADD COLUMN created_seq bigint;
UPDATE workflow_runs r SET created_seq = o.n
FROM (SELECT run_id, row_number() OVER (ORDER BY started_at, run_id) AS n FROM workflow_runs) o
WHERE r.run_id = o.run_id;
SELECT setval('workflow_runs_created_seq', COALESCE((SELECT max(created_seq) FROM workflow_runs), 0) + 1, false);
ALTER TABLE workflow_runs
    ALTER COLUMN created_seq SET DEFAULT nextval('workflow_runs_created_seq'),
    ALTER COLUMN created_seq SET NOT NULL;
ALTER SEQUENCE workflow_runs_created_seq OWNED BY workflow_runs.created_seq;
DROP INDEX workflow_runs_by_id;
CREATE INDEX workflow_runs_latest ON workflow_runs (workflow_id, created_seq DESC);

-- Outbox rows the sweep could not send (a message that cannot be read, a destination the broker refuses): each failure is
-- counted, its error kept, and the row waits a back-off (doubling from 1 s to at most 5 min) while later rows are sent.
-- Rows are never deleted unsent: one that keeps failing stays here for an operator (the engine logs it as an error).
ALTER TABLE outbox
    ADD COLUMN attempts        int NOT NULL DEFAULT 0,
    ADD COLUMN next_attempt_at timestamptz,
    ADD COLUMN last_error      text;
