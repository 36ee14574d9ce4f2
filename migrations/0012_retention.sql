-- Retention (docs/visibility.md "Retention"): closed runs older than Orchestrator:Retention:ClosedRuns are deleted, in
-- batches, with every row keyed by their run id. Those rows go by the ON DELETE CASCADE of their foreign keys; each
-- cascade looks its rows up by the run id, so each of those tables needs an index that starts with run_id. Every one had
-- it (its primary key, or buffered_events_run) but workflow_updates, whose primary key is (workflow_id, update_id) and
-- whose only run_id index is partial (unfinished updates): without this one, deleting a run read the whole table.
-- The due runs themselves are found by workflow_runs_by_close (0008_visibility.sql).
CREATE INDEX workflow_updates_run ON workflow_updates (run_id);
