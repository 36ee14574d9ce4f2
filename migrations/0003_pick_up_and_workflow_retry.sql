-- When a worker took the running attempt (reported only for activities with a ScheduleToStartTimeout): until then the
-- attempt's dispatch_after is also bounded by send time + ScheduleToStartTimeout.
ALTER TABLE activity_tasks ADD COLUMN picked_up_at timestamptz;

-- Workflow-level retry: the policy given on start (RetryPolicyInfo JSON) and the run's attempt (1 for a first run).
-- A run that fails while the policy allows another attempt closes Failed with next_run_id set to the retry.
ALTER TABLE workflow_runs
    ADD COLUMN retry_policy json,
    ADD COLUMN attempt      int NOT NULL DEFAULT 1;
