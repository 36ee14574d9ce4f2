-- Workflow reset (docs/visibility.md "Reset"): a reset creates a new run of the workflow id whose history is the old
-- run's copied up to a workflow task, then a fresh one. The two runs name each other: the new run's reset_from_run_id is
-- the run it was reset from, the old run's reset_to_run_id the run it was reset into (the latest, when a run is reset
-- more than once). Describe shows both. No foreign keys: retention may delete one run of the pair before the other.
ALTER TABLE workflow_runs ADD COLUMN reset_from_run_id uuid;
ALTER TABLE workflow_runs ADD COLUMN reset_to_run_id uuid;
