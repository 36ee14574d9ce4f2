-- Child workflows, run timeouts and activity timeouts.

-- A child run knows its parent (parent_workflow_id, parent_run_id exist since 0001), its sequence number in the
-- parent, and what happens to it when the parent closes. parent_notified: the parent has been told how the child
-- closed (or no longer needs to be); a closed child with parent_notified = false is picked up by the sweeper.
ALTER TABLE workflow_runs
    ADD COLUMN parent_seq          int,
    ADD COLUMN parent_close_policy text,
    ADD COLUMN parent_notified     boolean NOT NULL DEFAULT false,
    -- optional limit of one run (WorkflowTimedOut when it passes); carried over by continue-as-new
    ADD COLUMN run_timeout         interval;

CREATE INDEX workflow_runs_open_children ON workflow_runs (parent_run_id) WHERE status = 'Running';
CREATE INDEX workflow_runs_unnotified_children ON workflow_runs (closed_at)
    WHERE parent_run_id IS NOT NULL AND NOT parent_notified AND status NOT IN ('Running', 'ContinuedAsNew');

-- The running attempt's hard deadline (StartToClose, capped by ScheduleToClose) and its heartbeat timeout:
-- a heartbeat moves dispatch_after to min(attempt_deadline, now() + heartbeat_timeout).
ALTER TABLE activity_tasks
    ADD COLUMN attempt_deadline  timestamptz,
    ADD COLUMN heartbeat_timeout interval;
